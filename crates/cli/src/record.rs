//! `terrain record new|set|review|delete|restore|erase|list|find`: records through the write
//! path, and finding a person.

use crate::ctx::say;
use clap::Subcommand;
use serde_json::Value as Json;
use terrain_core::read::{self as query, ListOptions, PeopleQuery};
use terrain_core::Fields;
use terrain_core::{export, sync, Entity, Error, Lang};

use crate::ctx::{print_json, Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Create a record; prints its id.
    New {
        entity: String,
        /// field=value pairs.
        fields: Vec<String>,
    },
    /// Change fields of a record.
    Set {
        entity: String,
        id: String,
        fields: Vec<String>,
    },
    /// Mark the free text of a session (its notes), a finding or a recommendation reviewed as
    /// it reads now, so anonymised exports may show it (supervisors and coordinators only); an
    /// edit made afterwards takes it out again until it is reviewed anew.
    Review {
        entity: String,
        id: String,
        /// Take the mark away.
        #[arg(long)]
        undo: bool,
    },
    /// Delete a record (it can be restored); says what goes with it (a study's sessions,
    /// people, findings and recommendations; a session's attendance and findings).
    Delete { entity: String, id: String },
    /// Restore a deleted record.
    Restore { entity: String, id: String },
    /// Erase a participant's personal values after consent is withdrawn (supervisors and
    /// coordinators): here, in the history and on every laptop it syncs to. Cannot be undone.
    Erase {
        /// Only `participant` can be erased.
        entity: String,
        id: String,
        /// Why (kept with the erasure, with who and when).
        #[arg(long)]
        reason: String,
    },
    /// Find participants by words of their code or name (without case or accents), the most
    /// recent sessions first. Names sealed to headquarters that this store cannot open are not
    /// searched: their number is said on stderr.
    Find {
        /// Words of the code or the name.
        #[arg(required = true)]
        words: Vec<String>,
        /// Only this study's participants.
        #[arg(long)]
        study: Option<String>,
        /// At most this many (50 unless given, 500 at most).
        #[arg(long)]
        limit: Option<usize>,
        /// Print the answer as JSON (hits, total, sealed_names).
        #[arg(long)]
        json: bool,
    },
    /// List records.
    List {
        entity: String,
        /// Print a JSON array of flat objects.
        #[arg(long)]
        json: bool,
        /// Include deleted records.
        #[arg(long)]
        deleted: bool,
    },
}

/// The entities a person edits (resolutions are written by `conflicts resolve`).
fn entity(name: &str) -> Result<Entity> {
    Entity::parse(name)
        .filter(|e| *e != Entity::Resolution)
        .ok_or_else(|| Error::UnknownEntity(name.to_string()).into())
}

fn parse_fields(entity: Entity, pairs: &[String]) -> Result<Fields> {
    let mut out = Fields::new();
    for pair in pairs {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| Error::invalid(entity, pair, terrain_core::Problem::UnknownField))?;
        out.insert(k.trim().to_string(), Json::String(v.to_string()));
    }
    Ok(out)
}

/// « Supprimé, avec 52 séances, 373 personnes… : restaurable depuis la corbeille. »
pub(crate) fn deleted_line(holds: &query::Holdings, lang: Lang) -> String {
    let what = holds.describe(lang);
    match (lang, what.is_empty()) {
        (Lang::Fr, true) => {
            "Supprimé : restaurable depuis la corbeille (terrain record restore).".into()
        }
        (Lang::Fr, false) => format!(
            "Supprimé, avec {what} : restaurable depuis la corbeille (terrain record restore)."
        ),
        (Lang::En, true) => "Deleted: it can be restored (terrain record restore).".into(),
        (Lang::En, false) => {
            format!("Deleted, with {what}: it can be restored (terrain record restore).")
        }
    }
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        Cmd::New { entity: e, fields } => {
            let e = entity(&e)?;
            let id = store.create(e, &parse_fields(e, &fields)?)?;
            if e == Entity::Study {
                // A study made here gets its key now, so it can be shared and exported.
                sync::ensure_study_key(&store, &id)?;
            }
            say!("{id}");
        }
        Cmd::Set {
            entity: e,
            id,
            fields,
        } => {
            let e = entity(&e)?;
            store.update(e, &id, &parse_fields(e, &fields)?)?;
        }
        Cmd::Review {
            entity: e,
            id,
            undo,
        } => export::set_reviewed(&mut store, entity(&e)?, &id, !undo)?,
        Cmd::Delete { entity: e, id } => {
            let e = entity(&e)?;
            // Said before it goes, as the app's confirmation says it: what goes with it.
            let holds = query::holdings(store.conn(), e, &id)?;
            store.delete(e, &id)?;
            say!("{}", deleted_line(&holds, ctx.lang()));
        }
        Cmd::Restore { entity: e, id } => store.restore(entity(&e)?, &id)?,
        Cmd::Erase {
            entity: e,
            id,
            reason,
        } => {
            if entity(&e)? != Entity::Participant {
                return Err(Error::UnknownEntity(e).into());
            }
            store.erase_participant(&id, &reason)?;
        }
        Cmd::Find {
            words,
            study,
            limit,
            json,
        } => {
            let found = query::find_people(
                store.conn(),
                &PeopleQuery {
                    study_id: study,
                    text: words.join(" "),
                    limit,
                },
            )?;
            if json {
                return print_json(&found);
            }
            for p in &found.hits {
                let name = if p.name_sealed {
                    terrain_core::changes::SEALED_MARKER
                } else {
                    p.name.as_deref().unwrap_or("")
                };
                let cells = [
                    p.id.as_str(),
                    p.code.as_deref().unwrap_or(""),
                    name,
                    p.session_date.as_deref().unwrap_or(""),
                    p.study_title.as_deref().unwrap_or(""),
                ];
                say!("{}", cells.join("\t"));
            }
            let fr = ctx.lang() == Lang::Fr;
            let (shown, total, sealed) = (found.hits.len(), found.total, found.sealed_names);
            if total > shown && fr {
                eprintln!("terrain: {shown} sur {total} (--limit)");
            } else if total > shown {
                eprintln!("terrain: {shown} of {total} shown (--limit)");
            }
            if sealed > 0 && fr {
                eprintln!("terrain: {sealed} nom(s) scellé(s) pour le siège non cherché(s) ici : cherchez par code");
            } else if sealed > 0 {
                eprintln!("terrain: {sealed} name(s) sealed to headquarters not searched here: look them up by code");
            }
        }
        Cmd::List {
            entity: e,
            json,
            deleted,
        } => {
            let e = entity(&e)?;
            let records = query::list(
                store.conn(),
                e,
                &ListOptions {
                    include_deleted: deleted,
                    ..Default::default()
                },
            )?;
            if json {
                let list: Vec<Json> = records.iter().map(|r| r.to_flat_json()).collect();
                return print_json(&list);
            }
            for r in records {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| match v {
                        Json::String(s) => format!("{k}={s}"),
                        other => format!("{k}={other}"),
                    })
                    .collect();
                let mark = if r.deleted { " (deleted)" } else { "" };
                say!("{}{mark}\t{}", r.id, fields.join("\t"));
            }
        }
    }
    Ok(())
}
