//! The printable report of a study: overview, the dashboard figures as tables, the
//! recommendations and the methodology counts, in French or English. Core renders a
//! self-contained HTML document (tables, print styles); the desktop app shows it next to its
//! charts, and the person prints it or saves it as PDF.

use std::fmt::Write as _;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::lang::Lang;
use crate::read::{self, KeyCount, SessionFilter};
use crate::schema::Entity;
use crate::stats::{self, Dashboard, StatsFilter};

/// How sessions were documented, for the methodology section.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Methodology {
    pub sessions: i64,
    /// Total recorded duration in minutes (sessions without a duration are not counted).
    pub minutes: i64,
    pub sessions_with_duration: i64,
    /// Sessions per consent level ("unknown" when not recorded).
    pub consent_levels: Vec<stats::Count>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportRecommendation {
    pub id: String,
    pub text: String,
    pub theme: Option<String>,
    pub target_institution: Option<String>,
    pub level: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StudyReport {
    pub study_id: String,
    pub lang: Lang,
    pub title: String,
    pub organisation: Option<String>,
    /// RFC 3339 time the report was made.
    pub generated_at: String,
    pub dashboard: Dashboard,
    pub methodology: Methodology,
    pub recommendations: Vec<ReportRecommendation>,
    /// The whole report as one printable HTML document.
    pub html: String,
}

/// The report of one study. `as_of` (YYYY-MM-DD) fixes the day recommendations are aged at.
pub fn study_report(
    conn: &Connection,
    study_id: &str,
    lang: Lang,
    as_of: Option<String>,
) -> Result<StudyReport> {
    let study = read::get(conn, Entity::Study, study_id)?;
    let filter = StatsFilter {
        filter: SessionFilter {
            study_id: Some(study_id.to_string()),
            ..Default::default()
        },
        by_age: true,
        as_of,
    };
    let dashboard = stats::dashboard(conn, &filter)?;
    let methodology = methodology(conn, study_id)?;
    let recommendations = recommendations(conn, study_id)?;
    let mut report = StudyReport {
        study_id: study_id.to_string(),
        lang,
        title: study.text("title").unwrap_or_default().to_string(),
        organisation: study.text("organisation").map(str::to_string),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        dashboard,
        methodology,
        recommendations,
        html: String::new(),
    };
    report.html = render(&report, &study);
    Ok(report)
}

fn methodology(conn: &Connection, study_id: &str) -> Result<Methodology> {
    let (sessions, minutes, with_duration, first, last) = conn.query_row(
        "SELECT count(*), coalesce(sum(duration_minutes), 0), count(duration_minutes), min(date), max(date)
           FROM session WHERE study_id = ?1 AND deleted = 0",
        [study_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(consent_level, 'unknown'), count(*) FROM session
          WHERE study_id = ?1 AND deleted = 0 GROUP BY 1 ORDER BY 2 DESC, 1",
    )?;
    let consent_levels = stmt
        .query_map([study_id], |r| {
            Ok(stats::Count {
                key: r.get(0)?,
                count: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Methodology {
        sessions,
        minutes,
        sessions_with_duration: with_duration,
        consent_levels,
        first_date: first,
        last_date: last,
    })
}

fn recommendations(conn: &Connection, study_id: &str) -> Result<Vec<ReportRecommendation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, coalesce(text, ''), theme, target_institution, level, status FROM recommendation
          WHERE study_id = ?1 AND deleted = 0 ORDER BY theme, id",
    )?;
    let rows = stmt.query_map([study_id], |r| {
        Ok(ReportRecommendation {
            id: r.get(0)?,
            text: r.get(1)?,
            theme: r.get(2)?,
            target_institution: r.get(3)?,
            level: r.get(4)?,
            status: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A code as people read it (session types, actor groups, statuses...).
pub fn code_label(lang: Lang, code: &str) -> String {
    let fr = lang == Lang::Fr;
    let (f, e) = match code {
        "focus_group" => ("groupe de discussion", "focus group"),
        "individual_interview" => ("entretien individuel", "individual interview"),
        "key_informant_interview" => (
            "entretien avec un informateur clé",
            "key informant interview",
        ),
        "workshop" => ("atelier", "workshop"),
        "validation_workshop" => ("atelier de validation", "validation workshop"),
        "restitution" => ("restitution", "restitution"),
        "round_table" => ("table ronde", "round table"),
        "womens_association" => ("associations de femmes", "women's associations"),
        "youth" => ("jeunes", "youth"),
        "police" => ("police", "police"),
        "gendarmerie" => ("gendarmerie", "gendarmerie"),
        "national_guard" => ("garde nationale", "national guard"),
        "armed_forces" => ("forces armées", "armed forces"),
        "civil_protection" => ("protection civile", "civil protection"),
        "administrative_authority" => ("autorités administratives", "administrative authorities"),
        "religious_authority" => ("autorités religieuses", "religious authorities"),
        "traditional_authority" => ("autorités traditionnelles", "traditional authorities"),
        "political_authority" => ("autorités politiques", "political authorities"),
        "civil_society" => ("société civile", "civil society"),
        "displaced_refugee" => ("déplacés et réfugiés", "displaced and refugees"),
        "other" => ("autre", "other"),
        "under_18" => ("moins de 18 ans", "under 18"),
        "18_24" => ("18-24 ans", "18-24"),
        "25_35" => ("25-35 ans", "25-35"),
        "36_59" => ("36-59 ans", "36-59"),
        "60_plus" => ("60 ans et plus", "60 and over"),
        "planned" => ("prévue", "planned"),
        "ongoing" => ("en cours", "ongoing"),
        "completed" => ("terminée", "completed"),
        "archived" => ("archivée", "archived"),
        "proposed" => ("proposée", "proposed"),
        "validated" => ("validée", "validated"),
        "adopted" => ("adoptée", "adopted"),
        "in_progress" => ("en cours", "in progress"),
        "implemented" => ("mise en œuvre", "implemented"),
        "dropped" => ("abandonnée", "dropped"),
        "individual" => ("individuel", "individual"),
        "group" => ("collectif", "group"),
        "none" => ("aucun", "none"),
        "local" => ("locale", "local"),
        "regional" => ("régionale", "regional"),
        "national" => ("nationale", "national"),
        "0_30" => ("30 jours ou moins", "30 days or less"),
        "31_90" => ("31 à 90 jours", "31 to 90 days"),
        "91_180" => ("91 à 180 jours", "91 to 180 days"),
        "181_365" => ("181 à 365 jours", "181 to 365 days"),
        "over_365" => ("plus d'un an", "over a year"),
        "unknown" | "" => ("non renseigné", "not recorded"),
        other => return other.to_string(),
    };
    if fr { f } else { e }.to_string()
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report's fixed words.
struct Words {
    fr: bool,
}

impl Words {
    fn t<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        if self.fr {
            fr
        } else {
            en
        }
    }
}

fn pct(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.0} %", part as f64 * 100.0 / whole as f64)
    }
}

/// A table with a header row; cells are already escaped.
fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\" class=\"empty\">—</td></tr>",
            head.len()
        );
    }
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i > 0
                && c.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == '—')
            {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{c}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn sex_rows(lang: Lang, list: &[KeyCount]) -> Vec<Vec<String>> {
    list.iter()
        .map(|k| {
            vec![
                esc(&code_label(lang, &k.key)),
                k.women.to_string(),
                k.men.to_string(),
                (k.women + k.men).to_string(),
                pct(k.women, k.women + k.men),
            ]
        })
        .collect()
}

fn render(r: &StudyReport, study: &read::Record) -> String {
    let lang = r.lang;
    let w = Words {
        fr: lang == Lang::Fr,
    };
    let d = &r.dashboard;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>",
        lang.code(),
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
        w.t("Rapport établi le", "Report made on"),
        esc(&r.generated_at[..10.min(r.generated_at.len())])
    );

    // Overview.
    let _ = write!(
        o,
        "<section><h2>{}</h2><dl>",
        w.t("Vue d'ensemble", "Overview")
    );
    let mut dl = |k: &str, v: String| {
        let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    };
    for (field, fr, en) in [
        ("theme", "Thème", "Theme"),
        ("donor", "Bailleur", "Donor"),
        ("start_date", "Début", "Start"),
        ("end_date", "Fin", "End"),
    ] {
        if let Some(v) = study.text(field) {
            dl(w.t(fr, en), esc(v));
        }
    }
    if let Some(v) = study.text("status") {
        dl(w.t("Statut", "Status"), esc(&code_label(lang, v)));
    }
    dl(w.t("Séances", "Sessions"), d.sessions.sessions.to_string());
    dl(
        w.t("Personnes consultées", "People consulted"),
        format!(
            "{} ({} {}, {} {} — {} {})",
            d.people.women + d.people.men,
            d.people.women,
            w.t("femmes", "women"),
            d.people.men,
            w.t("hommes", "men"),
            pct(d.people.women, d.people.women + d.people.men),
            w.t("de femmes", "women")
        ),
    );
    dl(
        w.t("Recommandations", "Recommendations"),
        d.recommendations.total.to_string(),
    );
    o.push_str("</dl>");
    if let Some(desc) = study.text("description") {
        let _ = write!(o, "<p>{}</p>", esc(desc));
    }
    o.push_str("</section>");

    let head_sex = [
        w.t("", ""),
        w.t("Femmes", "Women"),
        w.t("Hommes", "Men"),
        w.t("Total", "Total"),
        w.t("% femmes", "% women"),
    ];

    // 1. People.
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        w.t(
            "Personnes consultées par région",
            "People consulted by region"
        )
    );
    let mut rows: Vec<Vec<String>> = d
        .people
        .by_region
        .iter()
        .map(|p| {
            let name = if p.region.name.is_empty() {
                code_label(lang, "unknown")
            } else {
                p.region.name.clone()
            };
            vec![
                esc(&name),
                p.women.to_string(),
                p.men.to_string(),
                (p.women + p.men).to_string(),
                pct(p.women, p.women + p.men),
            ]
        })
        .collect();
    rows.push(vec![
        format!("<strong>{}</strong>", w.t("Total", "Total")),
        d.people.women.to_string(),
        d.people.men.to_string(),
        (d.people.women + d.people.men).to_string(),
        pct(d.people.women, d.people.women + d.people.men),
    ]);
    let mut h = head_sex;
    h[0] = w.t("Région", "Region");
    table(&mut o, &h, &rows);
    let _ = write!(
        o,
        "<h3>{}</h3>",
        w.t("Par groupe d'acteurs", "By actor group")
    );
    h[0] = w.t("Groupe d'acteurs", "Actor group");
    table(&mut o, &h, &sex_rows(lang, &d.people.by_actor_group));
    let _ = write!(o, "<h3>{}</h3>", w.t("Par tranche d'âge", "By age band"));
    h[0] = w.t("Tranche d'âge", "Age band");
    table(&mut o, &h, &sex_rows(lang, &d.people.by_age_band));
    o.push_str("</section>");

    // 2. Sessions.
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        w.t(
            "Séances par type et par région",
            "Sessions by type and region"
        )
    );
    let rows: Vec<Vec<String>> = d
        .sessions
        .by_type
        .iter()
        .map(|t| {
            vec![
                esc(&code_label(lang, &t.session_type)),
                t.sessions.to_string(),
                t.women.to_string(),
                t.men.to_string(),
            ]
        })
        .collect();
    let h4 = |first: &'static str, first_en: &'static str| {
        [
            w.t(first, first_en),
            w.t("Séances", "Sessions"),
            w.t("Femmes", "Women"),
            w.t("Hommes", "Men"),
        ]
    };
    table(&mut o, &h4("Type de séance", "Session type"), &rows);
    let rows: Vec<Vec<String>> = d
        .sessions
        .by_region
        .iter()
        .map(|r| {
            let name = if r.region.name.is_empty() {
                code_label(lang, "unknown")
            } else {
                r.region.name.clone()
            };
            vec![
                esc(&name),
                r.sessions.to_string(),
                r.women.to_string(),
                r.men.to_string(),
            ]
        })
        .collect();
    table(&mut o, &h4("Région", "Region"), &rows);
    let _ = write!(
        o,
        "<h3>{}</h3>",
        w.t(
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
        &mut o,
        &[
            w.t("Région", "Region"),
            w.t("Consultations", "Consultations"),
            w.t("Femmes", "Women"),
            w.t("Hommes", "Men"),
            w.t("Validations", "Validations"),
            w.t("Restitutions", "Restitutions"),
        ],
        &rows,
    );
    o.push_str("</section>");

    // 3. DSF.
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        w.t(
            "Forces de défense et de sécurité (FDS)",
            "Defence and security forces (DSF)"
        )
    );
    h[0] = w.t("Corps", "Force");
    table(&mut o, &h, &sex_rows(lang, &d.dsf.by_group));
    let rows: Vec<Vec<String>> = d
        .dsf
        .by_institution
        .iter()
        .map(|i| {
            vec![
                esc(&code_label(lang, &i.actor_group)),
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
        &mut o,
        &[
            w.t("Corps", "Force"),
            w.t("Institution", "Institution"),
            w.t("Femmes", "Women"),
            w.t("Hommes", "Men"),
        ],
        &rows,
    );
    o.push_str("</section>");

    // 4. How sessions were run.
    let m = &d.methods;
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        w.t("Conduite des séances", "How sessions were run")
    );
    let share = |label: &str, s: &stats::Share| {
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
            w.t(
                "Séances non mixtes (femmes uniquement)",
                "Women-only sessions",
            ),
            &m.women_only,
        ),
        share(
            w.t("Animées par une femme", "Woman facilitator"),
            &m.woman_facilitator,
        ),
        share(
            w.t("Avec interprète", "With an interpreter"),
            &m.interpreter,
        ),
    ];
    table(
        &mut o,
        &[
            "",
            w.t("Oui", "Yes"),
            w.t("Non", "No"),
            w.t("Non renseigné", "Not recorded"),
            w.t("% des séances", "% of sessions"),
            w.t("Femmes (oui)", "Women (yes)"),
            w.t("Hommes (oui)", "Men (yes)"),
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
    table(&mut o, &h4("Langue", "Language"), &rows);
    o.push_str("</section>");

    // 5. Recommendations.
    let rec = &d.recommendations;
    let _ = write!(
        o,
        "<section><h2>{}</h2>",
        w.t("Recommandations", "Recommendations")
    );
    let counts = |list: &[stats::Count]| -> Vec<Vec<String>> {
        list.iter()
            .map(|c| vec![esc(&code_label(lang, &c.key)), c.count.to_string()])
            .collect()
    };
    let _ = write!(o, "<div class=\"cols\"><div>");
    table(
        &mut o,
        &[w.t("Statut", "Status"), w.t("Nombre", "Count")],
        &counts(&rec.by_status),
    );
    o.push_str("</div><div>");
    table(
        &mut o,
        &[w.t("Ouvertes depuis", "Open for"), w.t("Nombre", "Count")],
        &counts(&rec.open_by_age),
    );
    o.push_str("</div></div>");
    table(
        &mut o,
        &[w.t("Thème", "Theme"), w.t("Nombre", "Count")],
        &counts(&rec.by_theme),
    );
    table(
        &mut o,
        &[
            w.t("Institution ciblée", "Target institution"),
            w.t("Nombre", "Count"),
        ],
        &counts(&rec.by_target),
    );
    let days: std::collections::HashMap<&str, i64> = rec
        .open
        .iter()
        .map(|o| (o.id.as_str(), o.days_open))
        .collect();
    let rows: Vec<Vec<String>> = r
        .recommendations
        .iter()
        .map(|x| {
            vec![
                esc(&x.text),
                esc(x.theme.as_deref().unwrap_or("—")),
                esc(x.target_institution.as_deref().unwrap_or("—")),
                esc(&x
                    .level
                    .as_deref()
                    .map(|l| code_label(lang, l))
                    .unwrap_or_else(|| "—".into())),
                esc(&code_label(lang, x.status.as_deref().unwrap_or(""))),
                days.get(x.id.as_str())
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    table(
        &mut o,
        &[
            w.t("Recommandation", "Recommendation"),
            w.t("Thème", "Theme"),
            w.t("Institution ciblée", "Target institution"),
            w.t("Niveau", "Level"),
            w.t("Statut", "Status"),
            w.t("Jours ouverte", "Days open"),
        ],
        &rows,
    );
    o.push_str("</section>");

    // 6-7. Methodology and data quality.
    let me = &r.methodology;
    let _ = write!(
        o,
        "<section><h2>{}</h2><dl>",
        w.t("Méthodologie", "Methodology")
    );
    let period = match (&me.first_date, &me.last_date) {
        (Some(a), Some(b)) => format!("{} — {}", esc(a), esc(b)),
        _ => "—".into(),
    };
    let _ = write!(
        o,
        "<dt>{}</dt><dd>{}</dd>",
        w.t("Période des séances", "Sessions held"),
        period
    );
    let _ = write!(
        o,
        "<dt>{}</dt><dd>{:.1} h ({} {})</dd>",
        w.t("Durée totale enregistrée", "Total recorded duration"),
        me.minutes as f64 / 60.0,
        me.sessions_with_duration,
        w.t("séances avec durée", "sessions with a duration")
    );
    let q = &d.quality;
    let _ = write!(
        o,
        "<dt>{}</dt><dd>{} ({} {}, {} {})</dd>",
        w.t(
            "Séances sans consentement enregistré",
            "Sessions without a consent record"
        ),
        q.without_consent_count,
        q.without_consent_women,
        w.t("femmes", "women"),
        q.without_consent_men,
        w.t("hommes", "men")
    );
    let _ = write!(
        o,
        "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        w.t(
            "Doublons possibles (séances)",
            "Possible duplicate sessions"
        ),
        q.duplicate_session_groups,
        w.t(
            "Doublons possibles (participants)",
            "Possible duplicate participants"
        ),
        q.duplicate_participant_groups
    );
    table(
        &mut o,
        &[
            w.t("Niveau de consentement", "Consent level"),
            w.t("Séances", "Sessions"),
        ],
        &counts(&me.consent_levels),
    );
    let rows: Vec<Vec<String>> = d
        .activity
        .by_facilitator
        .iter()
        .map(|f| {
            let name = if f.key.is_empty() {
                code_label(lang, "unknown")
            } else {
                f.key.clone()
            };
            vec![
                esc(&name),
                f.sessions.to_string(),
                f.women.to_string(),
                f.men.to_string(),
            ]
        })
        .collect();
    table(&mut o, &h4("Facilitateur·rice", "Facilitator"), &rows);
    o.push_str("</section>");
    let _ = write!(
        o,
        "<footer>{}</footer></body></html>",
        w.t(
            "Chiffres : personnes inscrites sur les listes de présence et décomptes des séances, par sexe.",
            "Figures: people on attendance lists and session tallies, by sex."
        )
    );
    o
}

const STYLE: &str = "
@page { size: A4; margin: 18mm 15mm; }
body { font-family: 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; color: #1b1b1b; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; border-bottom: 1.5pt solid #2f5d50; padding-bottom: 2pt; margin-top: 18pt; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt; }
.org, .meta { color: #555; margin: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 12pt; }
dt { font-weight: 600; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.5pt solid #bbb; padding: 2.5pt 5pt; text-align: left; vertical-align: top; }
th { background: #eef3f1; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.empty { text-align: center; color: #888; }
section { page-break-inside: auto; }
h2, h3 { page-break-after: avoid; }
.cols { display: flex; gap: 12pt; } .cols > div { flex: 1; }
footer { margin-top: 18pt; color: #666; font-size: 9pt; }
";
