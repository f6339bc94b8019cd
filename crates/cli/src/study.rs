//! `terrain study invite|join|members|grant|revoke|rekey`: hand a study's key to a new team
//! laptop with a role, manage who holds which role, and replace the key. `terrain study
//! future-values|repair`: the fields whose value is stamped in the future, and their repair
//! (supervisors, coordinators).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use terrain_core::schema::Role;
use terrain_core::sync::{self, FutureValue, MemberView};
use terrain_core::{Error, SyncError};

use crate::ctx::{Ctx, Result};

/// A role as typed on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Enumerator,
    Supervisor,
    Coordinator,
    Analyst,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Enumerator => Role::Enumerator,
            RoleArg::Supervisor => Role::Supervisor,
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::Analyst => Role::Analyst,
        }
    }
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Write a join file (the study and its key) for a new team laptop.
    Invite {
        study_id: String,
        /// The role the new laptop will hold (least privilege by default).
        #[arg(long, value_enum, default_value = "enumerator")]
        role: RoleArg,
        /// The join file to write, or an existing folder (a USB stick) to write it into
        /// under the name the desktop app gives it (terrain-invitation-<study>.json).
        #[arg(long, value_name = "FILE|FOLDER")]
        out: PathBuf,
    },
    /// Join a study from a join file (its title shows until its records arrive).
    Join { file: PathBuf },
    /// The study's members: label, node id, key fingerprint, role (or revoked).
    Members { study_id: String },
    /// Give a member another role from its next change (coordinators only).
    Grant {
        study_id: String,
        /// The member's node id, or a prefix naming only it.
        node: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Revoke a member: its later changes are refused everywhere, and the study key is
    /// replaced by a new version sealed to the remaining members (coordinators only).
    Revoke {
        study_id: String,
        /// The member's node id, or a prefix naming only it.
        node: String,
    },
    /// Replace the study key by a new version sealed to every current member; bundles and hub
    /// requests sealed with an older one are refused (coordinators only; revoke does it).
    Rekey { study_id: String },
    /// The fields whose value is stamped more than a day in the future (a laptop whose clock
    /// ran ahead): record, field, value, device, how far ahead.
    FutureValues { study_id: String },
    /// Seal the study's participant names and phones (and its marked fields) to the HQ public
    /// key in FILE (made by `terrain hq keygen`) from now on (coordinators only).
    SetHqKey { study_id: String, file: PathBuf },
    /// Repair the fields stamped in the future, keeping their values: one (--record and
    /// --field) or all of them (supervisors and coordinators).
    Repair {
        study_id: String,
        /// The record's id.
        #[arg(long, requires = "field")]
        record: Option<String>,
        /// The field's name.
        #[arg(long, requires = "record")]
        field: Option<String>,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        Cmd::Invite {
            study_id,
            role,
            out,
        } => {
            let role = role.into();
            let path = if out.is_dir() {
                sync::invite_to_folder(&store, &study_id, role, &out)?
            } else {
                sync::invite_to_file(&store, &study_id, role, &out)?;
                out
            };
            println!("{}", path.display());
        }
        Cmd::Join { file } => {
            let joined = sync::join_from_file(&store, &file)?;
            println!("{}\t{}", joined.study_id, joined.title);
        }
        Cmd::Members { study_id } => {
            let lang = ctx.lang();
            let members = sync::members(&store, &study_id)?;
            if members.is_empty() {
                // Said on stderr: stdout stays one member a line for scripts.
                eprintln!(
                    "{}",
                    match lang {
                        terrain_core::Lang::Fr =>
                            "Cette étude n'a pas de liste de membres ici (faite avant les rôles) : tout y est permis.",
                        terrain_core::Lang::En =>
                            "This study has no members list here (made before roles): everything is allowed in it.",
                    }
                );
            }
            for m in members {
                println!("{}", member_line(&m, lang));
            }
        }
        Cmd::Grant {
            study_id,
            node,
            role,
        } => {
            let m = sync::grant_member(&store, &study_id, &node, role.into())?;
            println!("{}", member_line(&m, ctx.lang()));
        }
        Cmd::Revoke { study_id, node } => {
            let m = sync::revoke_member(&store, &study_id, &node)?;
            println!("{}", member_line(&m, ctx.lang()));
            print_key_version(&store, &study_id, ctx.lang())?;
        }
        Cmd::Rekey { study_id } => {
            sync::rekey(&store, &study_id)?;
            print_key_version(&store, &study_id, ctx.lang())?;
        }
        Cmd::SetHqKey { study_id, file } => {
            crate::hq::set_study_key(&store, &study_id, &file)?;
        }
        Cmd::FutureValues { study_id } => {
            for f in sync::future_values(&store, &study_id)? {
                println!("{}", future_line(&f));
            }
        }
        Cmd::Repair {
            study_id,
            record,
            field,
        } => {
            let mut store = store;
            let repaired = match (&record, &field) {
                (Some(r), Some(f)) => {
                    let all = sync::future_values(&store, &study_id)?;
                    let one = all
                        .into_iter()
                        .find(|v| v.row_id == *r && v.field == *f)
                        .ok_or_else(|| {
                            Error::Sync(SyncError::NotFutureValue { field: f.clone() })
                        })?;
                    sync::repair_field(
                        &mut store,
                        &study_id,
                        (one.entity, &one.row_id, &one.field),
                    )?;
                    vec![one]
                }
                _ => sync::repair_all(&mut store, &study_id)?,
            };
            for f in &repaired {
                println!("{}", future_line(f));
            }
        }
    }
    Ok(())
}

/// The study key's version now, on stderr (stdout keeps one member a line for scripts).
fn print_key_version(
    store: &terrain_core::Store,
    study: &str,
    lang: terrain_core::Lang,
) -> Result<()> {
    let version = sync::study_access(store, study)?.key_version;
    match lang {
        terrain_core::Lang::Fr => eprintln!("Clé de l'étude : version {version}"),
        terrain_core::Lang::En => eprintln!("Study key: version {version}"),
    }
    Ok(())
}

/// One field stamped in the future: entity, record, field, value, device, stamp, days ahead.
fn future_line(f: &FutureValue) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        f.entity,
        f.row_id,
        f.field,
        sync::value_text(&f.value),
        f.device_label.as_deref().unwrap_or(&f.device),
        f.stamped_at,
        f.days_ahead
    )
}

/// One member as a tab-separated line: label, node id, fingerprint, role.
fn member_line(m: &MemberView, lang: terrain_core::Lang) -> String {
    let fr = lang == terrain_core::Lang::Fr;
    let mut label = m.label.clone().unwrap_or_else(|| "-".into());
    if m.is_self {
        label.push_str(if fr {
            " (cet ordinateur)"
        } else {
            " (this laptop)"
        });
    }
    let role = match m.role {
        Some(r) => r.label(lang),
        None if fr => "révoqué",
        None => "revoked",
    };
    format!("{label}\t{}\t{}\t{role}", m.node_id, m.fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use terrain_core::{Entity, Fields, Store};

    #[test]
    fn an_invitation_written_into_a_folder_gets_the_apps_name_and_joining_notes_the_title() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lead_db = dir.path().join("lead.db");
        let fields: Fields =
            serde_json::from_value(json!({"title": "Études à Ségou"})).expect("fields");
        let study = Store::open(&lead_db)
            .and_then(|mut s| s.create(Entity::Study, &fields))
            .expect("study");
        let usb = dir.path().join("usb");
        std::fs::create_dir(&usb).expect("usb");
        let lead = Ctx::new(Some(lead_db));
        let invite = |out: PathBuf| Cmd::Invite {
            study_id: study.clone(),
            role: RoleArg::Enumerator,
            out,
        };
        run(&lead, invite(usb.clone())).expect("invite into a folder");
        let file = usb.join("terrain-invitation-etudes-a-segou.json");
        assert!(file.is_file(), "named like the app names it");
        run(&lead, invite(dir.path().join("join.json"))).expect("invite into a file");
        assert!(
            dir.path().join("join.json").is_file(),
            "--out FILE as before"
        );

        let member_db = dir.path().join("member.db");
        run(&Ctx::new(Some(member_db.clone())), Cmd::Join { file }).expect("join");
        let member = Store::open(&member_db).expect("member");
        let offered = sync::offered_studies(&member).expect("studies");
        assert_eq!(offered.len(), 1);
        assert_eq!(
            offered[0].title, "Études à Ségou",
            "the app shows it by name"
        );
    }
}
