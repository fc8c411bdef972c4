//! Shared test helpers.

use dsmb::server::trial::TrialConfig;
use std::path::PathBuf;

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled Altshock-2 demo trial folder.
pub fn altshock2() -> PathBuf {
    repo().join("demo/altshock2")
}

/// The Altshock-2 demo's trial configuration.
pub fn altshock2_trial() -> TrialConfig {
    TrialConfig::load(&altshock2().join("trial.toml")).expect("demo trial.toml")
}

/// The reconstruction's expected.json (written by its generator, not by us).
pub fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(altshock2().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// expected.json's key for each safety category of the demo trial.toml.
pub const SAFETY_KEYS: [(&str, &str); 9] = [
    ("BARC>=3 bleeding", "bleeding_barc_ge3"),
    ("Vascular complications", "vascular_complication"),
    ("Limb ischaemia", "limb_ischaemia"),
    ("Systemic embolism", "systemic_embolism"),
    ("Stroke", "stroke"),
    (
        "Major ventricular arrhythmia",
        "major_ventricular_arrhythmia",
    ),
    ("Cardiac arrest", "cardiac_arrest"),
    ("Sepsis", "sepsis"),
    ("Septic shock", "septic_shock"),
];
