//! `terrain response new|set|list|show|finalise|reopen|delete`: filling a questionnaire from a
//! file of answers (FILE.json: `{"name": value, "repeat": [{...}]}`).

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::{json, Value as Json};
use terrain_core::forms::store::{self as forms, ResponseSummary};
use terrain_core::read as query;
use terrain_core::Entity;

use crate::ctx::{print_json, say, Ctx, Result};
use crate::record::deleted_line;

#[derive(Subcommand)]
pub enum Cmd {
    /// Start a response to a form and give it answers; prints its id. FORM_ID is a form
    /// record's id, or a form_id (its latest version in the study). Refused, naming each
    /// question and the form's message, when a constraint or a required question fails
    /// (unless --draft).
    New {
        form_id: String,
        /// FILE.json: answers by question name, a repeat as an array of objects.
        #[arg(long, value_name = "FILE.json")]
        answers: PathBuf,
        /// The session it is given in (of the form's study).
        #[arg(long)]
        session: Option<String>,
        /// The participant who answers (of that session).
        #[arg(long)]
        participant: Option<String>,
        /// Keep it a draft: nothing is checked but each value against its question.
        #[arg(long)]
        draft: bool,
    },
    /// Set answers of a response: those named replace theirs, others stay (a repeat given
    /// replaces its instances). Checked and made final unless --draft.
    Set {
        id: String,
        #[arg(long, value_name = "FILE.json")]
        answers: PathBuf,
        #[arg(long)]
        draft: bool,
    },
    /// The responses to a form: a form record's id (that version), or a form_id (every
    /// version).
    List {
        form_id: String,
        /// Only those given in this session.
        #[arg(long)]
        session: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A response: its answers (as FILE.json gives them) and what blocks finalising it.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Make a response final (refused while a constraint or a required question fails).
    Finalise { id: String },
    /// Make a final response a draft again.
    Reopen { id: String },
    /// Delete a response (it can be restored: terrain record restore response ID).
    Delete { id: String },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        Cmd::New {
            form_id,
            answers,
            session,
            participant,
            draft,
        } => {
            let (session, participant) = (session.as_deref(), participant.as_deref());
            let (_, def) = forms::form_for(store.conn(), &form_id, session, participant)?;
            let given = forms::read_answers_file(&def, &answers)?;
            let id =
                forms::new_response(&mut store, &form_id, session, participant, &given, !draft)?;
            say!("{id}");
        }
        Cmd::Set { id, answers, draft } => {
            let (_, def, _) = forms::response_answers(store.conn(), &id)?;
            let given = forms::read_answers_file(&def, &answers)?;
            forms::set_answers(&mut store, &id, &given, !draft)?;
        }
        Cmd::List {
            form_id,
            session,
            json,
        } => {
            let list = forms::list_responses(store.conn(), &form_id, session.as_deref())?;
            if json {
                return print_json(&list);
            }
            for r in &list {
                say!("{}", list_line(r));
            }
        }
        Cmd::Show { id, json } => {
            let (summary, def, answers) = forms::response_answers(store.conn(), &id)?;
            let view = forms::open_response(store.conn(), &id, None)?;
            let errors: Vec<Json> = view
                .evaluation
                .errors
                .iter()
                .map(|e| json!({"path": e.path, "name": e.name, "message": e.message}))
                .collect();
            if json {
                let mut obj = match serde_json::to_value(&summary) {
                    Ok(Json::Object(o)) => o,
                    _ => serde_json::Map::new(),
                };
                obj.insert("answers".into(), answers.to_json(&def));
                obj.insert("errors".into(), Json::Array(errors));
                return print_json(&Json::Object(obj));
            }
            say!("{}", list_line(&summary));
            for (path, value) in answers.entries() {
                say!("{path}\t{value}");
            }
            for e in &view.evaluation.errors {
                say!("! {}: {}", e.name, e.message);
            }
        }
        Cmd::Finalise { id } => forms::finalise(&mut store, &id)?,
        Cmd::Reopen { id } => forms::reopen(&mut store, &id)?,
        Cmd::Delete { id } => {
            forms::delete_response(&mut store, &id)?;
            let nothing = query::holdings(store.conn(), Entity::Response, &id)?;
            say!("{}", deleted_line(&nothing, ctx.lang()));
        }
    }
    Ok(())
}

/// One response on one line: id, status, form_id, version, session, participant code,
/// answered questions.
fn list_line(r: &ResponseSummary) -> String {
    let cells = [
        r.id.as_str(),
        r.status.as_str(),
        r.form_id.as_str(),
        r.version.as_str(),
        r.session_id.as_deref().unwrap_or(""),
        r.participant_code.as_deref().unwrap_or(""),
    ];
    format!("{}\t{}", cells.join("\t"), r.answered)
}
