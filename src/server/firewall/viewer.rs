//! How a closed-role viewer sees a trial's arms: the statistician by their
//! labels, a DSMB member as coded groups (Group A, B, ...) until they decode.
//! The letters are random per trial (the store keeps them beside the
//! randomization key); coded groups are listed by letter, so the order says
//! nothing about which arm is which.

use crate::dto::Role;

/// The arm names a viewer may see, and whether they are coded groups.
#[derive(Clone, Debug)]
pub struct ArmNames {
    /// (arm code, shown name, coded letter), in the trial's order.
    pub arms: Vec<(String, String, String)>,
    pub coded: bool,
    /// When a DSMB member decoded the groups (never set for other roles).
    pub decoded_at: Option<String>,
}

impl ArmNames {
    /// The names `role` sees for `arms` ((code, label) in the trial's
    /// order), given the trial's letters ((code, letter)) and when this
    /// viewer decoded, if they did.
    pub fn for_viewer(
        role: Role,
        arms: Vec<(String, String)>,
        letters: &[(String, String)],
        decoded_at: Option<String>,
    ) -> ArmNames {
        let coded = role == Role::Dsmb && decoded_at.is_none();
        let arms = arms
            .into_iter()
            .map(|(code, label)| {
                let letter = letters
                    .iter()
                    .find(|(a, _)| a == &code)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default();
                let shown = if coded {
                    format!("Group {letter}")
                } else {
                    label
                };
                (code, shown, letter)
            })
            .collect();
        ArmNames {
            arms,
            coded,
            decoded_at: if role == Role::Dsmb { decoded_at } else { None },
        }
    }

    /// The name to show for arm `code`.
    pub fn name(&self, code: &str) -> String {
        self.arms
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, n, _)| n.clone())
            .unwrap_or_else(|| "?".into())
    }

    /// Arm codes in display order: by letter when coded (the order then
    /// says nothing), else the trial's order.
    pub fn display_order(&self) -> Vec<String> {
        let mut v = self.arms.clone();
        if self.coded {
            v.sort_by(|a, b| a.2.cmp(&b.2));
        }
        v.into_iter().map(|(c, _, _)| c).collect()
    }

    /// "X vs Y" for a directional comparison of arms `t` and `r`. While
    /// coded it names no group ("Group B vs Group A" would tell which coded
    /// group is the control); coded views show no directional comparison at
    /// all (`views::efficacy::coded_efficacy`).
    pub fn versus(&self, t: &str, r: &str) -> String {
        if self.coded {
            "experimental arm vs control (groups not named while coded)".to_string()
        } else {
            format!("{} vs {}", self.name(t), self.name(r))
        }
    }
}
