//! `terrain study invite|join`: hand a study's key to a new team laptop.

use std::path::PathBuf;

use clap::Subcommand;
use terrain_core::schema::Role;
use terrain_core::sync;

use crate::ctx::{Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Write a join file (the study and its key) for a new team laptop.
    Invite {
        study_id: String,
        /// The join file to write, or an existing folder (a USB stick) to write it into
        /// under the name the desktop app gives it (terrain-invitation-<study>.json).
        #[arg(long, value_name = "FILE|FOLDER")]
        out: PathBuf,
        /// The role the new laptop gets: enumerator, supervisor, coordinator or analyst.
        #[arg(long, default_value = "enumerator", value_parser = parse_role)]
        role: Role,
    },
    /// Join a study from a join file (its title shows until its records arrive).
    Join { file: PathBuf },
}

fn parse_role(text: &str) -> std::result::Result<Role, String> {
    serde_json::from_value(serde_json::Value::from(text))
        .map_err(|_| "one of enumerator, supervisor, coordinator, analyst".to_string())
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        Cmd::Invite {
            study_id,
            out,
            role,
        } => {
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
    }
    Ok(())
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
            out,
            role: Role::Enumerator,
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
