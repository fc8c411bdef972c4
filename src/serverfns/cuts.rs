use crate::dto::CutInfo;
use leptos::prelude::*;

/// The trial's data cuts: which one serves by default, which older ones can
/// be picked, which were rejected and why, and the registered files with
/// their SHA-256 (DSMB and statistician).
#[server(endpoint = "get_cuts")]
pub async fn get_cuts(trial: String) -> Result<Vec<CutInfo>, ServerFnError> {
    use crate::dto::CutFile;
    use crate::server::catalog::cut_dirs;
    use crate::server::guard;
    use crate::server::manifest::Manifest;
    use crate::server::store::Role;
    let (state, _auth, _role) =
        guard::trial_role(&trial, &[Role::Dsmb, Role::Statistician]).await?;
    let entry = state
        .catalog
        .trial(&trial)
        .ok_or_else(|| guard::deny(403, "no access to this trial"))?;
    let (dir, latest) = (entry.dir.clone(), entry.latest().dir.clone());
    let good: Vec<std::path::PathBuf> = entry.cuts.iter().map(|c| c.dir.clone()).collect();
    let rejected: Vec<(std::path::PathBuf, Vec<String>)> = entry
        .rejected
        .iter()
        .map(|r| {
            (
                r.dir.clone(),
                r.problems.to_string().lines().map(str::to_string).collect(),
            )
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        let cuts = cut_dirs(&dir).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for cut in cuts.iter().rev() {
            let name = cut
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let problems = rejected
                .iter()
                .find(|(d, _)| d == cut)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            let status = if *cut == latest {
                "serving"
            } else if !problems.is_empty() || !good.contains(cut) {
                "rejected"
            } else {
                "older"
            };
            // The manifest covers the cut's folders; read it through any one.
            let manifest = ["unblinded", "blinded", "."]
                .iter()
                .find_map(|f| Manifest::find(&cut.join(f)).ok().flatten())
                .map(|(m, _)| m);
            let mut files = Vec::new();
            if let Some(m) = &manifest {
                for (folder, f) in &m.folders {
                    for d in &f.files {
                        files.push(CutFile {
                            folder: folder.clone(),
                            name: d.name.clone(),
                            sha256: d.sha256.clone(),
                        });
                    }
                }
                if let Some(r) = &m.randlist {
                    files.push(CutFile {
                        folder: ".".into(),
                        name: r.name.clone(),
                        sha256: r.sha256.clone(),
                    });
                }
            }
            out.push(CutInfo {
                name,
                status: status.into(),
                registered_at: manifest.map(|m| m.registered_at),
                files,
                problems,
            });
        }
        Ok::<_, String>(out)
    })
    .await
    .map_err(|e| ServerFnError::new(e.to_string()))?
    .map_err(ServerFnError::new)
}
