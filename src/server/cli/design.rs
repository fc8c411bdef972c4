//! `dsmb design`: boundaries of a group-sequential design.

use crate::stats::gsd::{
    efficacy_boundaries, futility_design, harm_boundaries, EfficacyRule, Spending,
};
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct DesignArgs {
    /// Information fractions of the looks, increasing, ending at 1 (e.g. 0.3,0.55,0.8,1).
    #[arg(long, value_delimiter = ',', required = true)]
    pub looks: Vec<f64>,
    /// Type I error: one-sided, or with --sided 2 the two-sided total.
    #[arg(long, default_value_t = 0.025)]
    pub alpha: f64,
    /// 1 (one-sided) or 2 (two-sided, symmetric boundaries).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub sided: u8,
    /// obf, pocock, kd:<gamma>, hsd:<gamma>, obf-classic, pocock-classic, haybittle-peto.
    #[arg(long, default_value = "obf")]
    pub spending: String,
    /// Type II error for the futility boundary (with --futility).
    #[arg(long, default_value_t = 0.1)]
    pub beta: f64,
    /// Beta-spending function for a futility boundary (obf, pocock, kd:<gamma>, hsd:<gamma>).
    #[arg(long)]
    pub futility: Option<String>,
    /// The futility boundary binds (efficacy bounds computed with it).
    #[arg(long, conflicts_with = "nonbinding")]
    pub binding: bool,
    /// The futility boundary does not bind (the default).
    #[arg(long)]
    pub nonbinding: bool,
    /// One-sided harm alpha of a harm (lower) boundary, computed alone as
    /// the one-sided design of this alpha, negated.
    #[arg(long)]
    pub harm_alpha: Option<f64>,
    /// Harm alpha-spending: obf, pocock or hsd:<gamma>.
    #[arg(long, default_value = "obf", requires = "harm_alpha")]
    pub harm_spending: String,
    /// The harm boundary binds (reported with it; it is computed alone).
    #[arg(long, requires = "harm_alpha", conflicts_with = "harm_nonbinding")]
    pub harm_binding: bool,
    /// The harm boundary does not bind (the default).
    #[arg(long, requires = "harm_alpha")]
    pub harm_nonbinding: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `dsmb design`: boundaries of a group-sequential design.
pub fn design(args: &DesignArgs) -> ExitCode {
    let t = &args.looks;
    let valid = !t.is_empty()
        && t.len() <= 20
        && t[0] > 0.0
        && t.windows(2).all(|w| w[0] < w[1])
        && (t[t.len() - 1] - 1.0).abs() < 1e-12;
    if !valid {
        eprintln!(
            "dsmb: --looks must be 1 to 20 increasing information fractions in (0, 1], ending at 1"
        );
        return ExitCode::from(2);
    }
    if !(args.alpha > 0.0 && args.alpha < 0.5) {
        eprintln!("dsmb: --alpha must be in (0, 0.5)");
        return ExitCode::from(2);
    }
    let rule: EfficacyRule = match args.spending.parse() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dsmb: --spending {e}");
            return ExitCode::from(2);
        }
    };
    let (efficacy, futility, cumulative_alpha, drift) = match &args.futility {
        None => {
            let b = efficacy_boundaries(t, args.alpha, args.sided == 2, rule);
            (b.efficacy, None, b.cumulative_alpha, None)
        }
        Some(f) => {
            let (EfficacyRule::Spending(alpha_spending), Ok(EfficacyRule::Spending(beta_spending))) =
                (rule, f.parse::<EfficacyRule>())
            else {
                eprintln!("dsmb: a futility boundary needs alpha spending (--spending obf, pocock, kd:, hsd:) and a beta-spending function (--futility obf, pocock, kd:, hsd:)");
                return ExitCode::from(2);
            };
            if args.sided != 1 {
                eprintln!("dsmb: futility boundaries are for one-sided designs (--sided 1)");
                return ExitCode::from(2);
            }
            if !(args.beta > 0.0 && args.beta < 0.5) {
                eprintln!("dsmb: --beta must be in (0, 0.5)");
                return ExitCode::from(2);
            }
            let d = futility_design(
                t,
                args.alpha,
                args.beta,
                alpha_spending,
                beta_spending,
                args.binding,
            );
            (
                d.efficacy,
                Some(d.futility),
                d.cumulative_alpha,
                Some(d.drift),
            )
        }
    };
    let harm = match args.harm_alpha {
        None => None,
        Some(a) if !(a > 0.0 && a < 0.5) => {
            eprintln!("dsmb: --harm-alpha must be in (0, 0.5)");
            return ExitCode::from(2);
        }
        Some(a) => match Spending::parse_harm(&args.harm_spending) {
            Ok(sp) => Some(harm_boundaries(t, a, sp)),
            Err(e) => {
                eprintln!("dsmb: --harm-spending {e}");
                return ExitCode::from(2);
            }
        },
    };
    if args.json {
        let out = serde_json::json!({
            "looks": t,
            "alpha": args.alpha,
            "sided": args.sided,
            "spending": args.spending,
            "futility": args.futility,
            "binding": args.futility.is_some().then_some(args.binding),
            "beta": args.futility.is_some().then_some(args.beta),
            "efficacy_z": efficacy,
            "futility_z": futility,
            "cumulative_alpha": cumulative_alpha,
            "drift": drift,
            "harm_alpha": args.harm_alpha,
            "harm_spending": args.harm_alpha.map(|_| args.harm_spending.clone()),
            "harm_binding": args.harm_alpha.map(|_| args.harm_binding),
            "harm_z": harm.as_ref().map(|h| h.efficacy.clone()),
            "cumulative_harm_alpha": harm.as_ref().map(|h| h.cumulative_alpha.clone()),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("look  fraction  efficacy z  futility z      harm z  cumulative alpha");
        for (k, ((tk, z), a)) in t.iter().zip(&efficacy).zip(&cumulative_alpha).enumerate() {
            let f = futility
                .as_ref()
                .and_then(|f| f.get(k))
                .map_or("-".to_string(), |f| format!("{f:.4}"));
            let h = harm
                .as_ref()
                .and_then(|h| h.efficacy.get(k))
                .map_or("-".to_string(), |h| format!("{h:.4}"));
            println!(
                "{:>4}  {tk:>8.4}  {z:>10.4}  {f:>10}  {h:>10}  {a:>16.6}",
                k + 1
            );
        }
    }
    ExitCode::SUCCESS
}
