//! The efficacy and futility page's server function (closed roles,
//! audited).

use crate::dto::AppError;
use crate::dto::Efficacy;
use leptos::prelude::*;

/// Efficacy and futility at the cut (closed roles): the group-sequential
/// look, conditional and predictive power, the verdict, and for a
/// time-to-event endpoint Kaplan-Meier, log-rank and Cox.
#[server(endpoint = "get_efficacy")]
pub async fn get_efficacy(trial: String, cut: Option<String>) -> Result<Efficacy, AppError> {
    use crate::server::firewall::ViewKey;
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    let v = c
        .closed_view(cut.as_deref(), "efficacy and futility")
        .await?;
    let cuts = c.cut_dates();
    let key = ViewKey::new("efficacy", &trial, &v.date, v.names.coded);
    // The cut of the last signed review on this cut or before, marked on
    // the path (a coded viewer has no path).
    let reviewed = if v.names.coded {
        None
    } else {
        let (store, t, d) = (v.state.access.store.clone(), trial.clone(), v.date.clone());
        guard::blocking(move || store.last_reviewed_cut_through(&t, &d)).await?
    };
    let entry = c.entry()?;
    // The statistician may declare a monitoring cut the next formal look.
    let offer = |mut out: Efficacy| {
        if let (crate::dto::Role::Statistician, Some(i), Some(u)) =
            (v.role, out.interim.as_mut(), v.auth.user.as_ref())
        {
            i.declare = views::efficacy::declare_offer(&entry.config, &v.report, u.csrf.clone());
        }
        out
    };
    if let Some(out) = v.state.views.efficacy.get(&key) {
        return Ok(offer(views::efficacy::with_reviewed_cut(out, reviewed)));
    }
    let out = if v.names.coded {
        views::efficacy::coded_efficacy(trial, &entry.config, &v.report, &v.names, cuts)
    } else {
        let dates = entry.cut_dates();
        let path = views::efficacy::z_path(&v.state, &trial, &v.date, &v.report, &dates).await;
        views::efficacy::efficacy(trial, &entry.config, &v.report, &v.names, path, cuts)
    };
    v.state.views.efficacy.keep(key, out.clone());
    Ok(offer(views::efficacy::with_reviewed_cut(out, reviewed)))
}
