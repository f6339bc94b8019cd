//! `terrain study invite|join|members|grant|revoke|rekey`: hand a study's key to a new team
//! laptop with a role, manage who holds which role, and replace the key. `terrain study
//! future-values|repair`: the fields whose value is stamped in the future, and their repair
//! (supervisors, coordinators).

use crate::ctx::say;
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
    /// Write a join file (the study and its key, sealed under a one-time code) for a new team
    /// laptop. Prints the file's path, the fingerprints to compare, and the one-time code
    /// alone on the last line (`tail -1`).
    Invite {
        study_id: String,
        /// The role the new laptop will hold (least privilege by default).
        #[arg(long, value_enum, default_value = "enumerator")]
        role: RoleArg,
        /// The join file to write, or an existing folder (a USB stick) to write it into
        /// under the neutral name the desktop app gives it (terrain-invitation-<8 hex>.json).
        #[arg(long, value_name = "FILE|FOLDER")]
        out: PathBuf,
    },
    /// Join a study from a join file and its one-time code (its title shows until its records
    /// arrive). Prints the study, then the fingerprints to compare with the inviting screen.
    Join {
        file: PathBuf,
        /// The one-time code: the eight words the inviting laptop showed.
        #[arg(
            long,
            required_unless_present = "code_file",
            conflicts_with = "code_file"
        )]
        code: Option<String>,
        /// A file holding the one-time code (kept out of the shell's history).
        #[arg(long, value_name = "FILE")]
        code_file: Option<PathBuf>,
    },
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
            let invitation = if out.is_dir() {
                sync::invite_to_folder(&store, &study_id, role, &out)?
            } else {
                sync::invite_to_file(&store, &study_id, role, &out)?
            };
            let fr = ctx.lang() == terrain_core::Lang::Fr;
            say!("{}", invitation.path);
            say!(
                "{}\t{}",
                if fr {
                    "Empreinte de la clé de l'étude"
                } else {
                    "Study key fingerprint"
                },
                invitation.study_fingerprint
            );
            say!(
                "{}\t{}",
                if fr {
                    "Empreinte de cet ordinateur"
                } else {
                    "This laptop's fingerprint"
                },
                invitation.inviter_fingerprint
            );
            // Alone on the last line: scripts read it with `tail -1`.
            say!("{}", invitation.code);
        }
        Cmd::Join {
            file,
            code,
            code_file,
        } => {
            let code = match (code, code_file) {
                (Some(code), _) => code,
                (None, Some(path)) => crate::ctx::read_secret(&path)?.to_string(),
                (None, None) => String::new(),
            };
            let joined = sync::join_from_file(&store, &file, &code)?;
            let fr = ctx.lang() == terrain_core::Lang::Fr;
            say!("{}\t{}", joined.study_id, joined.title);
            say!(
                "{}\t{}",
                if fr {
                    "Empreinte de la clé de l'étude"
                } else {
                    "Study key fingerprint"
                },
                joined.study_fingerprint
            );
            say!(
                "{}\t{}",
                if fr {
                    "Empreinte du coordinateur qui invite"
                } else {
                    "Inviting coordinator's fingerprint"
                },
                joined.inviter_fingerprint
            );
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
                say!("{}", member_line(&m, lang));
            }
        }
        Cmd::Grant {
            study_id,
            node,
            role,
        } => {
            let m = sync::grant_member(&store, &study_id, &node, role.into())?;
            say!("{}", member_line(&m, ctx.lang()));
        }
        Cmd::Revoke { study_id, node } => {
            let m = sync::revoke_member(&store, &study_id, &node)?;
            say!("{}", member_line(&m, ctx.lang()));
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
                say!("{}", future_line(&f));
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
                say!("{}", future_line(f));
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
        let names: Vec<String> = std::fs::read_dir(&usb)
            .expect("usb")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1);
        assert!(
            names[0].starts_with("terrain-invitation-") && names[0].len() == 32,
            "a neutral name, as the app gives it: {}",
            names[0]
        );
        run(&lead, invite(dir.path().join("join.json"))).expect("invite into a file");
        assert!(
            dir.path().join("join.json").is_file(),
            "--out FILE as before"
        );

        let invitation = sync::invite_to_folder(
            &Store::open(&dir.path().join("lead.db")).expect("lead"),
            &study,
            Role::Enumerator,
            &usb,
        )
        .expect("invite");
        let member_db = dir.path().join("member.db");
        let code_file = dir.path().join("code.txt");
        std::fs::write(&code_file, format!("{}\n", invitation.code)).expect("code");
        let join = Cmd::Join {
            file: PathBuf::from(&invitation.path),
            code: None,
            code_file: Some(code_file),
        };
        run(&Ctx::new(Some(member_db.clone())), join).expect("join");
        let member = Store::open(&member_db).expect("member");
        let offered = sync::offered_studies(&member).expect("studies");
        assert_eq!(offered.len(), 1);
        assert_eq!(
            offered[0].title, "Études à Ségou",
            "the app shows it by name"
        );
    }
}
