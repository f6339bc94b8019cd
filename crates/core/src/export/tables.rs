//! The tables of an export, in order, and their columns.

use crate::export::columns::{count_col, derived, field, id_col, place_cols, CodebookEntry, Col};
use crate::schema::vocabulary::Label;
use crate::schema::{Entity, UNKNOWN};

/// The tables of an export, in order, with their columns.
pub fn tables(anonymised: bool) -> Vec<(&'static str, Vec<Col>)> {
    let mut out = vec![
        ("study", study_cols(anonymised)),
        ("session", session_cols(anonymised)),
    ];
    if !anonymised {
        out.push(("participant", participant_cols()));
        out.push(("tally", tally_cols()));
    }
    out.push(("finding", finding_cols(anonymised)));
    out.push(("recommendation", recommendation_cols(anonymised)));
    out.push(("people_by_region", region_cols()));
    out
}

/// A table as people name it, in the export's summary and progress: its name in files
/// (`people_by_region`) is for other tools.
pub fn table_label(table: &str) -> Label {
    let (fr, en) = match table {
        "study" => ("études", "studies"),
        "session" => ("séances", "sessions"),
        "participant" => ("participants", "participants"),
        "tally" => ("décomptes", "tallies"),
        "finding" => ("constats", "findings"),
        "recommendation" => ("recommandations", "recommendations"),
        "people_by_region" => ("personnes par région", "people by region"),
        t if t.starts_with("form_") => ("réponses à un formulaire", "answers to a form"),
        _ => ("autres données", "other data"),
    };
    Label { fr, en }
}

/// Every column of every table of an export, for the codebook.
pub fn codebook(anonymised: bool) -> Vec<CodebookEntry> {
    tables(anonymised)
        .into_iter()
        .flat_map(|(table, cols)| {
            cols.into_iter().map(move |c| CodebookEntry {
                table: table.to_string(),
                column: c.name,
                hxl: c.hxl,
                meaning_fr: c.label_fr,
                meaning_en: c.label_en,
                allowed_values: c.allowed,
            })
        })
        .collect()
}

fn study_cols(anonymised: bool) -> Vec<Col> {
    let e = Entity::Study;
    vec![
        id_col(e, "#x_study+id"),
        field(e, "title", Some("#x_study+name")),
        field(e, "organisation", Some("#org")),
        field(e, "donor", Some("#org+funder")),
        field(e, "theme", Some("#x_study+theme")),
        field(e, "description", None),
        date(field(e, "start_date", Some("#date+start")), anonymised),
        date(field(e, "end_date", Some("#date+end")), anonymised),
        field(e, "status", Some("#status")),
    ]
}

/// A date column: a month only in an anonymised export (a day narrows a session down to
/// the people who were there).
fn date(mut col: Col, anonymised: bool) -> Col {
    if anonymised {
        col.allowed = "mois AAAA-MM / month YYYY-MM".to_string();
    }
    col
}

/// Marks a free-text column that an anonymised export fills only once it was reviewed.
fn reviewed(mut col: Col, anonymised: bool) -> Col {
    if anonymised {
        col.allowed = format!(
            "{} ; vide tant qu'un·e superviseur·e ne l'a pas relu / empty until a supervisor \
             has reviewed it",
            col.allowed
        );
    }
    col
}

fn session_cols(anonymised: bool) -> Vec<Col> {
    let e = Entity::Session;
    let mut c = vec![
        id_col(e, "#activity+id"),
        field(e, "study_id", Some("#x_study+id")),
        derived(
            "organisation",
            "#org",
            "organisation de l'étude",
            "organisation of the study",
            "texte libre / free text",
        ),
        field(e, "session_type", Some("#activity+type")),
    ];
    if !anonymised {
        c.push(field(e, "title", Some("#activity+name")));
    }
    c.push(date(field(e, "date", Some("#date")), anonymised));
    c.push(field(e, "duration_minutes", None));
    c.extend(place_cols(
        "region_name",
        "region_pcode",
        "#adm1",
        "région",
        "region",
    ));
    c.extend(place_cols(
        "cercle_name",
        "cercle_pcode",
        "#adm2",
        "cercle",
        "cercle",
    ));
    // Shared outside the team, places stop at the cercle: a commune holds few people.
    if !anonymised {
        c.extend(place_cols(
            "commune_name",
            "commune_pcode",
            "#adm3",
            "commune",
            "commune",
        ));
        c.extend(place_cols(
            "place_name",
            "place_pcode",
            "#loc",
            "lieu de la séance",
            "session place",
        ));
        c.push(field(e, "place_id", Some("#loc+id")));
    }
    c.push(field(e, "languages", Some("#language")));
    if !anonymised {
        c.push(field(e, "facilitators", None));
        c.push(field(e, "note_taker", None));
    }
    for f in [
        "woman_facilitator",
        "women_only",
        "interpreter",
        "consent_level",
        "consent_form",
        "consent_recording",
        "consent_quotes",
        "consent_photos",
    ] {
        c.push(field(e, f, None));
    }
    c.push(reviewed(
        field(e, "notes", Some("#description")),
        anonymised,
    ));
    c.extend(reached_cols());
    c
}

/// The women and men consulted, as sessions and tallies count them.
fn reached_cols() -> [Col; 2] {
    [
        count_col(
            "women",
            "#reached+f",
            "femmes consultées",
            "women consulted",
        ),
        count_col("men", "#reached+m", "hommes consultés", "men consulted"),
    ]
}

fn participant_cols() -> Vec<Col> {
    let e = Entity::Participant;
    let mut c = vec![
        id_col(e, "#x_participant+id"),
        field(e, "session_id", Some("#activity+id")),
    ];
    for f in [
        "code",
        "sex",
        "age",
        "age_band",
        "actor_group",
        "institution",
        "role",
    ] {
        c.push(field(
            e,
            f,
            if f == "institution" {
                Some("#x_institution")
            } else {
                None
            },
        ));
    }
    c.extend(place_cols(
        "home_commune_name",
        "home_commune_pcode",
        "#x_home_commune",
        "commune de résidence",
        "home commune",
    ));
    for f in ["consent", "name", "phone"] {
        c.push(field(
            e,
            f,
            if f == "phone" {
                Some("#contact+phone")
            } else if f == "name" {
                Some("#contact+name")
            } else {
                None
            },
        ));
    }
    c
}

fn tally_cols() -> Vec<Col> {
    let e = Entity::Tally;
    vec![
        id_col(e, "#x_tally+id"),
        field(e, "session_id", Some("#activity+id")),
        field(e, "sex", None),
        field(e, "age_band", None),
        field(e, "actor_group", None),
        field(e, "count", Some("#reached")),
    ]
}

fn finding_cols(anon: bool) -> Vec<Col> {
    let e = Entity::Finding;
    let mut speaker = field(e, "speaker_category", None);
    if anon {
        speaker.allowed = format!(
            "{} ; vide pour un entretien individuel ou une séance de moins de personnes que \
             l'effectif minimal / empty for an individual interview or a session of fewer \
             people than the minimum cell",
            speaker.allowed
        );
    }
    vec![
        id_col(e, "#x_finding+id"),
        field(e, "session_id", Some("#activity+id")),
        reviewed(field(e, "theme", Some("#x_theme")), anon),
        reviewed(field(e, "text", Some("#description")), anon),
        speaker,
    ]
}

fn recommendation_cols(anon: bool) -> Vec<Col> {
    let e = Entity::Recommendation;
    vec![
        id_col(e, "#x_recommendation+id"),
        field(e, "study_id", Some("#x_study+id")),
        reviewed(field(e, "text", Some("#description")), anon),
        reviewed(field(e, "theme", Some("#x_theme")), anon),
        reviewed(field(e, "target_institution", Some("#org+target")), anon),
        field(e, "level", None),
        field(e, "status", Some("#status")),
        field(e, "source_sessions", None),
        field(e, "validated_at", None),
    ]
}

fn region_cols() -> Vec<Col> {
    let mut c: Vec<Col> =
        place_cols("region_name", "region_pcode", "#adm1", "région", "region").into();
    // A participant's actor group, a missing one counted under "unknown".
    let mut group = field(Entity::Participant, "actor_group", None);
    group.allowed = format!("{}, {}", group.allowed, UNKNOWN);
    c.push(group);
    c.extend(reached_cols());
    c
}
