//! The report's HTML document, one function per section, in the order they are printed.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::content::{Methodology, ReportRecommendation, StudyReport};
use super::html::{
    capitalised, count_of, decimal, esc, field_heading, men, or_not_recorded, pct, t, table, women,
};
use crate::lang::Lang;
use crate::read::{KeyCount, Record};
use crate::schema::{
    ChoiceList, Entity, ACTOR_GROUP, AGE_BAND, CONSENT_LEVEL, NOT_RECORDED, OPEN_FOR,
    RECOMMENDATION_LEVEL, RECOMMENDATION_STATUS, SESSION_TYPE, STUDY_STATUS,
};
use crate::stats::{Count, Dashboard, MethodStats, RecommendationStats, Share};

const STYLE: &str = include_str!("report.css");

/// The whole document.
pub(crate) fn render(r: &StudyReport, study: &Record) -> String {
    let lang = r.lang;
    let d = &r.dashboard;
    let mut o = String::new();
    header(&mut o, r);
    overview(&mut o, lang, study, d);
    people(&mut o, lang, d);
    sessions(&mut o, lang, d);
    dsf(&mut o, lang, d);
    methods(&mut o, lang, &d.methods);
    recommendations(&mut o, lang, &d.recommendations, &r.recommendations);
    methodology(&mut o, lang, &r.methodology, d);
    footer(&mut o, lang);
    o
}

/// The document's head, title, organisation and date.
fn header(o: &mut String, r: &StudyReport) {
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\n{}</style></head><body>",
        r.lang.code(),
        esc(&r.title),
        STYLE
    );
    let _ = write!(o, "<header><h1>{}</h1>", esc(&r.title));
    if let Some(org) = &r.organisation {
        let _ = write!(o, "<p class=\"org\">{}</p>", esc(org));
    }
    let _ = write!(
        o,
        "<p class=\"meta\">{} {}</p></header>",
        t(r.lang, "Rapport établi le", "Report made on"),
        esc(&r.generated_at[..10.min(r.generated_at.len())])
    );
}

/// One term of a definition list; the value is already escaped.
fn entry(o: &mut String, term: &str, value: &str) {
    let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(term), value);
}

/// The study's own fields and the headline counts.
fn overview(o: &mut String, lang: Lang, study: &Record, d: &Dashboard) {
    let _ = write!(
        o,
        "<section><h2>{}</h2><dl>",
        t(lang, "Vue d'ensemble", "Overview")
    );
    let heading = |field| field_heading(lang, Entity::Study, field);
    for (term, field) in [
        (heading("theme"), "theme"),
        (heading("donor"), "donor"),
        (t(lang, "Début", "Start").to_string(), "start_date"),
        (t(lang, "Fin", "End").to_string(), "end_date"),
    ] {
        if let Some(v) = study.text(field) {
            entry(o, &term, &esc(v));
        }
    }
    if let Some(v) = study.text("status") {
        entry(o, &heading("status"), &esc(STUDY_STATUS.read(v, lang)));
    }
    entry(
        o,
        t(lang, "Séances", "Sessions"),
        &d.sessions.sessions.to_string(),
    );
    let people = d.people.women + d.people.men;
    entry(
        o,
        t(lang, "Personnes consultées", "People consulted"),
        &format!(
            "{} ({}, {} — {} {})",
            people,
            women(lang, d.people.women),
            men(lang, d.people.men),
            pct(d.people.women, people),
            t(lang, "de femmes", "women")
        ),
    );
    entry(
        o,
        t(lang, "Recommandations", "Recommendations"),
        &d.recommendations.total.to_string(),
    );
    o.push_str("</dl>");
    if let Some(desc) = study.text("description") {
        let _ = write!(o, "<p>{}</p>", esc(desc));
    }
    o.push_str("</section>");
}

/// The header of a table of women and men: what the rows are, then the counts.
fn sex_head(lang: Lang, first: &str) -> [&str; 5] {
    [
        first,
        t(lang, "Femmes", "Women"),
        t(lang, "Hommes", "Men"),
        t(lang, "Total", "Total"),
        t(lang, "% femmes", "% women"),
    ]
}

fn sex_row(first: String, women: i64, men: i64) -> Vec<String> {
    vec![
        first,
        women.to_string(),
        men.to_string(),
        (women + men).to_string(),
        pct(women, women + men),
    ]
}

/// Women and men per value of a choice list.
fn sex_rows(lang: Lang, list: &ChoiceList, counts: &[KeyCount]) -> Vec<Vec<String>> {
    counts
        .iter()
        .map(|k| sex_row(esc(list.read(&k.key, lang)), k.women, k.men))
        .collect()
}

/// The header of a table of sessions and the women and men in them.
fn sessions_head(lang: Lang, first: &str) -> [&str; 4] {
    [
        first,
        t(lang, "Séances", "Sessions"),
        t(lang, "Femmes", "Women"),
        t(lang, "Hommes", "Men"),
    ]
}

/// A two-column table's rows: a label and a count.
fn counts<'a>(list: &'a [Count], label: impl Fn(&'a str) -> &'a str) -> Vec<Vec<String>> {
    list.iter()
        .map(|c| vec![esc(label(&c.key)), c.count.to_string()])
        .collect()
}

/// 1. People consulted, by region, actor group and age band.
fn people(o: &mut String, lang: Lang, d: &Dashboard) {
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        t(
            lang,
            "Personnes consultées par région",
            "People consulted by region"
        )
    );
    let mut rows: Vec<Vec<String>> = d
        .people
        .by_region
        .iter()
        .map(|p| sex_row(esc(or_not_recorded(lang, &p.region.name)), p.women, p.men))
        .collect();
    rows.push(sex_row(
        format!("<strong>{}</strong>", t(lang, "Total", "Total")),
        d.people.women,
        d.people.men,
    ));
    table(o, &sex_head(lang, t(lang, "Région", "Region")), &rows);
    let _ = write!(
        o,
        "<h3>{}</h3>",
        t(lang, "Par groupe d'acteurs", "By actor group")
    );
    table(
        o,
        &sex_head(
            lang,
            &field_heading(lang, Entity::Participant, "actor_group"),
        ),
        &sex_rows(lang, &ACTOR_GROUP, &d.people.by_actor_group),
    );
    let _ = write!(
        o,
        "<h3>{}</h3>",
        t(lang, "Par tranche d'âge", "By age band")
    );
    table(
        o,
        &sex_head(lang, &field_heading(lang, Entity::Participant, "age_band")),
        &sex_rows(lang, &AGE_BAND, &d.people.by_age_band),
    );
    o.push_str("</section>");
}

/// 2. Sessions by type and region, and the regions still awaiting their follow-up.
fn sessions(o: &mut String, lang: Lang, d: &Dashboard) {
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        t(
            lang,
            "Séances par type et par région",
            "Sessions by type and region"
        )
    );
    let rows: Vec<Vec<String>> = d
        .sessions
        .by_type
        .iter()
        .map(|x| {
            vec![
                esc(SESSION_TYPE.read(&x.session_type, lang)),
                x.sessions.to_string(),
                x.women.to_string(),
                x.men.to_string(),
            ]
        })
        .collect();
    table(
        o,
        &sessions_head(lang, &field_heading(lang, Entity::Session, "session_type")),
        &rows,
    );
    let rows: Vec<Vec<String>> = d
        .sessions
        .by_region
        .iter()
        .map(|x| {
            vec![
                esc(or_not_recorded(lang, &x.region.name)),
                x.sessions.to_string(),
                x.women.to_string(),
                x.men.to_string(),
            ]
        })
        .collect();
    table(o, &sessions_head(lang, t(lang, "Région", "Region")), &rows);
    let _ = write!(
        o,
        "<h3>{}</h3>",
        t(
            lang,
            "Régions sans atelier de validation ou sans restitution",
            "Regions without a validation workshop or a restitution"
        )
    );
    let rows: Vec<Vec<String>> = d
        .sessions
        .awaiting_follow_up
        .iter()
        .map(|f| {
            vec![
                esc(&f.region.name),
                f.consultations.to_string(),
                f.women.to_string(),
                f.men.to_string(),
                f.validations.to_string(),
                f.restitutions.to_string(),
            ]
        })
        .collect();
    table(
        o,
        &[
            t(lang, "Région", "Region"),
            t(lang, "Consultations", "Consultations"),
            t(lang, "Femmes", "Women"),
            t(lang, "Hommes", "Men"),
            t(lang, "Validations", "Validations"),
            t(lang, "Restitutions", "Restitutions"),
        ],
        &rows,
    );
    o.push_str("</section>");
}

/// 3. Defence and security forces, by force and by institution.
fn dsf(o: &mut String, lang: Lang, d: &Dashboard) {
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        t(
            lang,
            "Forces de défense et de sécurité (FDS)",
            "Defence and security forces (DSF)"
        )
    );
    let force = t(lang, "Corps", "Force");
    table(
        o,
        &sex_head(lang, force),
        &sex_rows(lang, &ACTOR_GROUP, &d.dsf.by_group),
    );
    let rows: Vec<Vec<String>> = d
        .dsf
        .by_institution
        .iter()
        .map(|i| {
            vec![
                esc(ACTOR_GROUP.read(&i.actor_group, lang)),
                esc(if i.institution.is_empty() {
                    "—"
                } else {
                    &i.institution
                }),
                i.women.to_string(),
                i.men.to_string(),
            ]
        })
        .collect();
    table(
        o,
        &[
            force,
            &field_heading(lang, Entity::Participant, "institution"),
            t(lang, "Femmes", "Women"),
            t(lang, "Hommes", "Men"),
        ],
        &rows,
    );
    o.push_str("</section>");
}

/// 4. How sessions were run: women only, woman facilitator, interpreter, languages.
fn methods(o: &mut String, lang: Lang, m: &MethodStats) {
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        t(lang, "Conduite des séances", "How sessions were run")
    );
    let share = |label: &str, s: &Share| {
        vec![
            esc(label),
            s.yes.to_string(),
            s.no.to_string(),
            s.unknown.to_string(),
            pct(s.yes, m.sessions),
            s.women.to_string(),
            s.men.to_string(),
        ]
    };
    let rows = vec![
        share(
            t(
                lang,
                "Séances non mixtes (femmes uniquement)",
                "Women-only sessions",
            ),
            &m.women_only,
        ),
        share(
            t(lang, "Animées par une femme", "Woman facilitator"),
            &m.woman_facilitator,
        ),
        share(
            t(lang, "Avec interprète", "With an interpreter"),
            &m.interpreter,
        ),
    ];
    table(
        o,
        &[
            "",
            t(lang, "Oui", "Yes"),
            t(lang, "Non", "No"),
            &capitalised(NOT_RECORDED.get(lang)),
            t(lang, "% des séances", "% of sessions"),
            t(lang, "Femmes (oui)", "Women (yes)"),
            t(lang, "Hommes (oui)", "Men (yes)"),
        ],
        &rows,
    );
    let rows: Vec<Vec<String>> = m
        .languages
        .iter()
        .map(|l| {
            vec![
                esc(&l.language),
                l.sessions.to_string(),
                l.women.to_string(),
                l.men.to_string(),
            ]
        })
        .collect();
    table(
        o,
        &sessions_head(lang, t(lang, "Langue", "Language")),
        &rows,
    );
    o.push_str("</section>");
}

/// 5. Recommendations: counts by status, age, theme and target, then each one.
fn recommendations(
    o: &mut String,
    lang: Lang,
    rec: &RecommendationStats,
    list: &[ReportRecommendation],
) {
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        t(lang, "Recommandations", "Recommendations")
    );
    let heading = |field| field_heading(lang, Entity::Recommendation, field);
    let count = t(lang, "Nombre", "Count");
    o.push_str("<div class=\"cols\"><div>");
    table(
        o,
        &[&heading("status"), count],
        &counts(&rec.by_status, |k| RECOMMENDATION_STATUS.read(k, lang)),
    );
    o.push_str("</div><div>");
    table(
        o,
        &[t(lang, "Ouvertes depuis", "Open for"), count],
        &counts(&rec.open_by_age, |k| OPEN_FOR.read(k, lang)),
    );
    o.push_str("</div></div>");
    table(
        o,
        &[&heading("theme"), count],
        &counts(&rec.by_theme, |k| or_not_recorded(lang, k)),
    );
    table(
        o,
        &[&heading("target_institution"), count],
        &counts(&rec.by_target, |k| or_not_recorded(lang, k)),
    );
    let days: HashMap<&str, i64> = rec
        .open
        .iter()
        .map(|o| (o.id.as_str(), o.days_open))
        .collect();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|x| {
            vec![
                esc(&x.text),
                esc(x.theme.as_deref().unwrap_or("—")),
                esc(x.target_institution.as_deref().unwrap_or("—")),
                esc(x
                    .level
                    .as_deref()
                    .map_or("—", |l| RECOMMENDATION_LEVEL.read(l, lang))),
                esc(RECOMMENDATION_STATUS.read(x.status.as_deref().unwrap_or(""), lang)),
                days.get(x.id.as_str())
                    .map_or_else(|| "—".into(), |d| d.to_string()),
            ]
        })
        .collect();
    table(
        o,
        &[
            &capitalised(Entity::Recommendation.label(lang)),
            &heading("theme"),
            &heading("target_institution"),
            &heading("level"),
            &heading("status"),
            t(lang, "Jours ouverte", "Days open"),
        ],
        &rows,
    );
    o.push_str("</section>");
}

/// 6-7. Methodology and data quality: period, duration, consent, duplicates, facilitators.
fn methodology(o: &mut String, lang: Lang, me: &Methodology, d: &Dashboard) {
    let _ = write!(
        o,
        "<section><h2>{}</h2><dl>",
        t(lang, "Méthodologie", "Methodology")
    );
    let period = match (&me.first_date, &me.last_date) {
        (Some(a), Some(b)) => format!("{} — {}", esc(a), esc(b)),
        _ => "—".into(),
    };
    entry(o, t(lang, "Période des séances", "Sessions held"), &period);
    entry(
        o,
        t(lang, "Durée totale enregistrée", "Total recorded duration"),
        &format!(
            "{} h ({})",
            decimal(lang, me.minutes as f64 / 60.0),
            count_of(
                lang,
                me.sessions_with_duration,
                ("séance avec durée", "séances avec durée"),
                ("session with a duration", "sessions with a duration")
            )
        ),
    );
    let q = &d.quality;
    entry(
        o,
        t(
            lang,
            "Séances sans consentement enregistré",
            "Sessions without a consent record",
        ),
        &format!(
            "{} ({}, {})",
            q.without_consent_count,
            women(lang, q.without_consent_women),
            men(lang, q.without_consent_men)
        ),
    );
    entry(
        o,
        t(
            lang,
            "Doublons possibles (séances)",
            "Possible duplicate sessions",
        ),
        &q.duplicate_session_groups.to_string(),
    );
    entry(
        o,
        t(
            lang,
            "Doublons possibles (participants)",
            "Possible duplicate participants",
        ),
        &q.duplicate_participant_groups.to_string(),
    );
    o.push_str("</dl>");
    table(
        o,
        &[
            &field_heading(lang, Entity::Session, "consent_level"),
            t(lang, "Séances", "Sessions"),
        ],
        &counts(&me.consent_levels, |k| CONSENT_LEVEL.read(k, lang)),
    );
    let rows: Vec<Vec<String>> = d
        .activity
        .by_facilitator
        .iter()
        .map(|f| {
            vec![
                esc(or_not_recorded(lang, &f.key)),
                f.sessions.to_string(),
                f.women.to_string(),
                f.men.to_string(),
            ]
        })
        .collect();
    table(
        o,
        &sessions_head(lang, t(lang, "Facilitateur·rice", "Facilitator")),
        &rows,
    );
    o.push_str("</section>");
}

fn footer(o: &mut String, lang: Lang) {
    let _ = write!(
        o,
        "<footer>{}</footer></body></html>",
        t(
            lang,
            "Chiffres : personnes inscrites sur les listes de présence et décomptes des séances, par sexe.",
            "Figures: people on attendance lists and session tallies, by sex."
        )
    );
}
