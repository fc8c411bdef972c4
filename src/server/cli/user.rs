//! `dsmb user`: users and their roles.

use super::{operator, DbArgs};
use crate::dto::{Role, UnknownRole};
use crate::server::store::users::UserChange;
use crate::server::store::StoreError;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserAction {
    /// Add a user; the password is read from standard input (one line).
    Add {
        username: String,
        /// A role on a trial, as TRIAL=ROLE (role: dsmb, statistician or sponsor); repeat for more trials.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Set a user's password (read from standard input); ends their sessions.
    Passwd { username: String },
    /// List users and their roles.
    List,
    /// Disable a user; ends their sessions.
    Disable { username: String },
    /// Enable a disabled user.
    Enable { username: String },
    /// Give a user a role on a trial (TRIAL=ROLE), replacing the one they had there.
    Grant { username: String, role: String },
    /// Take a user's role on a trial away (their next request is refused).
    Revoke { username: String, trial: String },
    /// Make a DSMB member of a trial the chair of its DSMB, who signs its
    /// meeting records (one chair per trial).
    Chair { username: String, trial: String },
}

/// Why a user command failed.
#[derive(Debug, thiserror::Error)]
pub enum UserCommandError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the password from standard input: {0}")]
    Stdin(std::io::Error),
    #[error("give the password on standard input")]
    NoPassword,
    #[error("{0:?}: give a role as TRIAL=ROLE")]
    RoleSpec(String),
    #[error("{0:?}: no trial")]
    NoTrial(String),
    #[error(transparent)]
    Role(#[from] UnknownRole),
}

/// Read one line (a password) from standard input.
fn read_password() -> Result<String, UserCommandError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(UserCommandError::Stdin)?;
    let p = line.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        return Err(UserCommandError::NoPassword);
    }
    Ok(p)
}

fn parse_role(spec: &str) -> Result<(String, Role), UserCommandError> {
    let (trial, role) = spec
        .split_once('=')
        .ok_or_else(|| UserCommandError::RoleSpec(spec.to_string()))?;
    if trial.is_empty() {
        return Err(UserCommandError::NoTrial(spec.to_string()));
    }
    Ok((trial.to_string(), role.parse()?))
}

/// `dsmb user add|passwd|list|disable|enable|grant|revoke|chair`. Every change
/// is written to the audit trail in the same transaction, as done by the
/// operating-system user who ran the command.
pub fn user(args: &UserArgs) -> ExitCode {
    let run = || -> Result<(), UserCommandError> {
        let store = args.db.open()?;
        let by = operator();
        let change = match &args.action {
            UserAction::List => {
                for u in store.list_users()? {
                    let roles: Vec<String> = u
                        .roles
                        .iter()
                        .map(|(t, r)| format!("{t}={}", r.as_str()))
                        .collect();
                    println!(
                        "{:<24} {:<9} {}",
                        u.username,
                        if u.disabled { "disabled" } else { "active" },
                        roles.join(" ")
                    );
                }
                return Ok(());
            }
            UserAction::Add { username, roles } => {
                let roles = roles
                    .iter()
                    .map(|r| parse_role(r))
                    .collect::<Result<Vec<_>, _>>()?;
                let password = read_password()?;
                UserChange::add(username, &password, &roles)?
            }
            UserAction::Passwd { username } => {
                let password = read_password()?;
                UserChange::passwd(username, &password)?
            }
            UserAction::Disable { username } => UserChange::disabled(username, true),
            UserAction::Enable { username } => UserChange::disabled(username, false),
            UserAction::Grant { username, role } => {
                let (trial, role) = parse_role(role)?;
                UserChange::grant(username, &trial, role)
            }
            UserAction::Revoke { username, trial } => UserChange::revoke(username, trial),
            UserAction::Chair { username, trial } => {
                store.set_chair(&by, "cli", username, trial)?;
                println!("{username} chairs the DSMB of {trial}");
                return Ok(());
            }
        };
        let said = change.describe();
        store.administer(&by, "cli", change)?;
        println!("{said}");
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dsmb user: {e}");
            ExitCode::FAILURE
        }
    }
}
