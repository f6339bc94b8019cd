//! A realistic demo, written through the normal write path so it carries a change log and
//! history like real data: three studies on women, peace and security in Mali (a UNSCR 1325
//! workshop series in Ségou, a participatory action research on women in the defence and
//! security forces, regional validation of a study on security needs in Kayes). The people,
//! names and texts are invented; the RNG is seeded, so every load holds the same content
//! (ids and clock stamps differ, as they must).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{json, Value as Json};
use ts_rs::TS;

use crate::changes::{Fields, Writer};
use crate::error::{Error, Refusal, Result};
use crate::schema::Entity;
use crate::store::Store;

/// The seed of the demo's content: the same seed gives the same studies, sessions and people.
const SEED: u64 = 1325;

/// What the demo wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    pub studies: u32,
    pub sessions: u32,
    /// Participants recorded one line each.
    pub participants: u32,
    /// Cells of tally grids (sign-in sheets) and the people they count.
    pub tallies: u32,
    pub people_tallied: u32,
    pub findings: u32,
    pub recommendations: u32,
    /// Distinct regions (2016 map) where sessions took place.
    pub regions: u32,
    /// Sessions left without a consent record, on purpose: a data-quality problem to find.
    pub sessions_without_consent: u32,
}

/// Fills an empty store with the demo, in one transaction. Refuses a store that has studies.
pub fn load_demo(store: &mut Store) -> Result<DemoSummary> {
    store.write(|w| {
        let studies: i64 =
            w.conn()
                .query_row("SELECT count(*) FROM study WHERE deleted = 0", [], |r| {
                    r.get(0)
                })?;
        if studies > 0 {
            return Err(Error::Refused(Refusal::NotEmpty { studies }));
        }
        let mut demo = Demo {
            rng: StdRng::seed_from_u64(SEED),
            gazetteer: Gazetteer::load(w.conn())?,
            summary: DemoSummary::default(),
            regions: BTreeSet::new(),
        };
        for plan in &STUDY_PLANS {
            demo.study(w, plan)?;
        }
        demo.summary.regions = demo.regions.len() as u32;
        Ok(demo.summary)
    })
}

// ---------------------------------------------------------------------------------------------
// The plan: studies, blocks of sessions, audiences.

struct StudyPlan {
    title: &'static str,
    organisation: &'static str,
    donor: &'static str,
    theme: &'static str,
    description: &'static str,
    start: &'static str,
    end: &'static str,
    status: &'static str,
    /// Facilitators and note-takers: (name, is a woman).
    team: &'static [(&'static str, bool)],
    blocks: &'static [Block],
    recommendations: &'static [RecPlan],
}

/// `count` sessions of one type with one audience, at places drawn from `places`, between two dates.
struct Block {
    session_type: &'static str,
    audience: &'static Audience,
    count: usize,
    /// (region, cercle, commune) names in the 2016 gazetteer.
    places: &'static [(&'static str, &'static str, &'static str)],
    from: &'static str,
    to: &'static str,
    /// Number of people present, inclusive range.
    size: (usize, usize),
    /// People counted on a sign-in sheet (tally grid) rather than one line each.
    tally: bool,
    /// `{lieu}` is the commune, `{region}` the region.
    title: &'static str,
}

struct Audience {
    mix: &'static [Mix],
    women_only: bool,
    /// Themes of what this audience says, for findings.
    themes: &'static [&'static str],
    /// Only the working language (DSF and officials speak French in these sessions).
    french: bool,
}

/// One actor group in an audience: its weight and its share of women.
struct Mix {
    group: &'static str,
    weight: u32,
    women: f64,
}

const fn m(group: &'static str, weight: u32, women: f64) -> Mix {
    Mix {
        group,
        weight,
        women,
    }
}

struct RecPlan {
    text: &'static str,
    theme: &'static str,
    target: &'static str,
    level: &'static str,
    /// Where it ended up; it gets there through each status before it.
    status: &'static str,
}

const fn r(
    text: &'static str,
    theme: &'static str,
    target: &'static str,
    level: &'static str,
    status: &'static str,
) -> RecPlan {
    RecPlan {
        text,
        theme,
        target,
        level,
        status,
    }
}

const JUSTICE: &str = "accès à la justice";
const VBG: &str = "violences basées sur le genre";
const RECRUIT: &str = "recrutement des femmes";
const CIVMIL: &str = "relations civilo-militaires";
const DECISION: &str = "participation des femmes aux décisions";
const PVE: &str = "prévention de l'extrémisme violent";
const SERVICE: &str = "conditions de service des femmes";
const ROADS: &str = "sécurité des déplacements";
const ALERT: &str = "alerte précoce";
const SSR: &str = "réforme du secteur de la sécurité";

/// Police, gendarmerie and national guard (the internal security forces of the Ségou workshop).
static FSI: Audience = Audience {
    mix: &[
        m("police", 40, 0.12),
        m("gendarmerie", 32, 0.06),
        m("national_guard", 28, 0.07),
    ],
    women_only: false,
    themes: &[CIVMIL, RECRUIT, ALERT, VBG, SERVICE],
    french: true,
};

static DSF: Audience = Audience {
    mix: &[
        m("police", 30, 0.12),
        m("gendarmerie", 24, 0.06),
        m("national_guard", 18, 0.07),
        m("armed_forces", 20, 0.05),
        m("civil_protection", 8, 0.15),
    ],
    women_only: false,
    themes: &[CIVMIL, RECRUIT, SERVICE, ALERT],
    french: true,
};

static WOMEN_DSF: Audience = Audience {
    mix: &[
        m("police", 30, 1.0),
        m("gendarmerie", 18, 1.0),
        m("national_guard", 14, 1.0),
        m("armed_forces", 26, 1.0),
        m("civil_protection", 12, 1.0),
    ],
    women_only: true,
    themes: &[RECRUIT, SERVICE, CIVMIL, VBG],
    french: true,
};

static WOMENS_ASSOC: Audience = Audience {
    mix: &[m("womens_association", 100, 1.0)],
    women_only: true,
    themes: &[VBG, JUSTICE, DECISION, PVE, ROADS],
    french: false,
};

static YOUTH: Audience = Audience {
    mix: &[m("youth", 100, 0.45)],
    women_only: false,
    themes: &[CIVMIL, PVE, ROADS, RECRUIT],
    french: false,
};

static DISPLACED: Audience = Audience {
    mix: &[m("displaced_refugee", 100, 1.0)],
    women_only: true,
    themes: &[VBG, ROADS, JUSTICE],
    french: false,
};

/// The Ségou 1325 workshops: women's associations, the security forces, the authorities.
static MIXED_1325: Audience = Audience {
    mix: &[
        m("womens_association", 40, 0.97),
        m("police", 14, 0.15),
        m("gendarmerie", 12, 0.08),
        m("national_guard", 10, 0.07),
        m("administrative_authority", 8, 0.2),
        m("civil_society", 8, 0.45),
        m("religious_authority", 4, 0.0),
        m("traditional_authority", 4, 0.05),
    ],
    women_only: false,
    themes: &[DECISION, VBG, CIVMIL, PVE, JUSTICE, ALERT],
    french: false,
};

/// Research days on women in the forces: many uniformed women, civil society, officials.
static WORLD_CAFE: Audience = Audience {
    mix: &[
        m("police", 12, 0.35),
        m("gendarmerie", 10, 0.3),
        m("national_guard", 8, 0.3),
        m("armed_forces", 12, 0.3),
        m("civil_protection", 4, 0.3),
        m("womens_association", 22, 1.0),
        m("youth", 14, 0.5),
        m("civil_society", 10, 0.5),
        m("administrative_authority", 5, 0.25),
        m("political_authority", 3, 0.25),
    ],
    women_only: false,
    themes: &[RECRUIT, SERVICE, CIVMIL, DECISION],
    french: false,
};

static COMMUNITY: Audience = Audience {
    mix: &[
        m("womens_association", 24, 1.0),
        m("youth", 20, 0.45),
        m("civil_society", 14, 0.45),
        m("traditional_authority", 8, 0.05),
        m("religious_authority", 6, 0.02),
        m("administrative_authority", 6, 0.2),
        m("political_authority", 6, 0.2),
        m("displaced_refugee", 6, 0.6),
        m("police", 3, 0.1),
        m("gendarmerie", 3, 0.06),
        m("other", 4, 0.4),
    ],
    women_only: false,
    themes: &[ROADS, JUSTICE, CIVMIL, ALERT, SSR, VBG],
    french: false,
};

static KEY_INFORMANTS: Audience = Audience {
    mix: &[
        m("administrative_authority", 22, 0.2),
        m("traditional_authority", 12, 0.02),
        m("religious_authority", 10, 0.02),
        m("political_authority", 8, 0.2),
        m("police", 12, 0.15),
        m("gendarmerie", 12, 0.08),
        m("national_guard", 8, 0.08),
        m("armed_forces", 6, 0.05),
        m("civil_society", 10, 0.5),
    ],
    women_only: false,
    themes: &[ALERT, SSR, CIVMIL, JUSTICE, DECISION],
    french: true,
};

static SEGOU: &[(&str, &str, &str)] = &[
    ("Ségou", "Ségou", "Ségou"),
    ("Ségou", "Ségou", "Pelengana"),
    ("Ségou", "Ségou", "Markala"),
    ("Ségou", "Ségou", "Cinzana"),
    ("Ségou", "Niono", "Niono"),
    ("Ségou", "San", "San"),
    ("Ségou", "Bla", "Bla"),
    ("Ségou", "Macina", "Macina"),
    ("Ségou", "Tominian", "Tominian"),
    ("Ségou", "Barouéli", "Barouéli"),
];
static SEGOU_TOWNS: &[(&str, &str, &str)] = &[
    ("Ségou", "Ségou", "Ségou"),
    ("Ségou", "San", "San"),
    ("Ségou", "Niono", "Niono"),
];
static GAO: &[(&str, &str, &str)] = &[
    ("Gao", "Gao", "Gao"),
    ("Gao", "Gao", "Gao"),
    ("Gao", "Gao", "Gabéro"),
    ("Gao", "Ansongo", "Ansongo"),
    ("Gao", "Bourem", "Bourem"),
];
static TOMBOUCTOU: &[(&str, &str, &str)] = &[
    ("Tombouctou", "Tombouctou", "Tombouctou"),
    ("Tombouctou", "Tombouctou", "Tombouctou"),
    ("Tombouctou", "Diré", "Diré"),
    ("Tombouctou", "Goundam", "Goundam"),
    ("Tombouctou", "Gourma-Rharous", "Gourma-Rharous"),
];
static BAMAKO: &[(&str, &str, &str)] = &[
    ("Bamako", "Bamako", "Commune I"),
    ("Bamako", "Bamako", "Commune II"),
    ("Bamako", "Bamako", "Commune III"),
    ("Bamako", "Bamako", "Commune IV"),
    ("Bamako", "Bamako", "Commune V"),
    ("Bamako", "Bamako", "Commune VI"),
];
static MOPTI: &[(&str, &str, &str)] = &[
    ("Mopti", "Mopti", "Mopti"),
    ("Mopti", "Mopti", "Socoura"),
    ("Mopti", "Djenné", "Djenné"),
    ("Mopti", "Bandiagara", "Bandiagara"),
];
static MENAKA: &[(&str, &str, &str)] = &[("Ménaka", "Ménaka", "Ménaka")];
static NORTH_AND_BAMAKO: &[(&str, &str, &str)] = &[
    ("Gao", "Gao", "Gao"),
    ("Gao", "Ansongo", "Ansongo"),
    ("Tombouctou", "Tombouctou", "Tombouctou"),
    ("Tombouctou", "Diré", "Diré"),
    ("Bamako", "Bamako", "Commune I"),
    ("Bamako", "Bamako", "Commune III"),
    ("Bamako", "Bamako", "Commune IV"),
    ("Bamako", "Bamako", "Commune VI"),
    ("Mopti", "Mopti", "Mopti"),
    ("Ménaka", "Ménaka", "Ménaka"),
];
static RESTITUTION_PLACES: &[(&str, &str, &str)] = &[
    ("Kayes", "Kayes", "Kayes"),
    ("Kayes", "Kita", "Kita"),
    ("Koulikoro", "Koulikoro", "Koulikoro"),
    ("Koulikoro", "Kati", "Kati"),
    ("Sikasso", "Sikasso", "Sikasso"),
    ("Sikasso", "Koutiala", "Koutiala"),
    ("Ségou", "Ségou", "Ségou"),
    ("Ségou", "San", "San"),
];
static KAYES: &[(&str, &str, &str)] = &[
    ("Kayes", "Kayes", "Kayes"),
    ("Kayes", "Kayes", "Kayes"),
    ("Kayes", "Kayes", "Khouloum"),
    ("Kayes", "Kayes", "Liberté Dembaya"),
    ("Kayes", "Nioro", "Nioro"),
    ("Kayes", "Nioro", "Nioro"),
    ("Kayes", "Kéniéba", "Kéniéba"),
    ("Kayes", "Kéniéba", "Sitakily"),
];
static KAYES_TOWN: &[(&str, &str, &str)] = &[("Kayes", "Kayes", "Kayes")];

const fn block(
    session_type: &'static str,
    audience: &'static Audience,
    count: usize,
    places: &'static [(&'static str, &'static str, &'static str)],
    dates: (&'static str, &'static str),
    size: (usize, usize),
    title: &'static str,
) -> Block {
    Block {
        session_type,
        audience,
        count,
        places,
        from: dates.0,
        to: dates.1,
        size,
        tally: false,
        title,
    }
}

const fn tally(mut b: Block) -> Block {
    b.tally = true;
    b
}

static STUDY_PLANS: [StudyPlan; 3] = [
        StudyPlan {
            title: "Rôle des femmes dans la sécurité à Ségou (résolution 1325)",
            organisation: "Réseau régional Femmes, paix et sécurité de Ségou",
            donor: "Fonds de soutien à la société civile (fictif)",
            theme: "Femmes, paix et sécurité",
            description: "Données fictives de démonstration. Série d'ateliers et de groupes de discussion \
                réunissant associations de femmes, police, gendarmerie, garde nationale et autorités \
                régionales autour de la résolution 1325 du Conseil de sécurité : liens entre \
                organisations féminines et forces de sécurité, lutte contre les violences basées sur \
                le genre, rôle des femmes dans la prévention de l'extrémisme violent.",
            start: "2024-02-01",
            end: "2025-06-30",
            status: "completed",
            team: &[
                ("Aminata Traoré", true),
                ("Boubacar Coulibaly", false),
                ("Kadiatou Diarra", true),
                ("Seydou Dembélé", false),
            ],
            blocks: &[
                block("workshop", &MIXED_1325, 16, SEGOU, ("2024-03-04", "2025-02-28"), (32, 50),
                    "Atelier « Rôle des femmes dans la sécurité » — {lieu}"),
                block("focus_group", &WOMENS_ASSOC, 12, SEGOU, ("2024-03-11", "2025-01-31"), (9, 15),
                    "Groupe de discussion — associations féminines, {lieu}"),
                block("focus_group", &FSI, 10, SEGOU, ("2024-03-11", "2025-01-31"), (9, 15),
                    "Groupe de discussion — police, gendarmerie, garde nationale, {lieu}"),
                block("focus_group", &YOUTH, 6, SEGOU, ("2024-04-01", "2025-01-31"), (9, 15),
                    "Groupe de discussion — jeunes, {lieu}"),
                block("round_table", &MIXED_1325, 5, SEGOU_TOWNS, ("2024-06-01", "2025-03-15"), (18, 30),
                    "Table ronde femmes et forces de sécurité — {lieu}"),
                block("key_informant_interview", &KEY_INFORMANTS, 10, SEGOU, ("2024-03-01", "2025-01-31"), (1, 1),
                    "Entretien avec un informateur clé — {lieu}"),
                block("validation_workshop", &MIXED_1325, 2, SEGOU_TOWNS, ("2025-04-01", "2025-05-15"), (35, 50),
                    "Atelier régional de validation du plan d'action 1325 — {lieu}"),
                tally(block("restitution", &COMMUNITY, 2, SEGOU_TOWNS, ("2025-05-20", "2025-06-27"), (50, 80),
                    "Restitution aux communautés — {lieu}")),
            ],
            recommendations: &[
                r("Mettre en place un cadre de concertation trimestriel entre les associations de femmes et les directions régionales de la police, de la gendarmerie et de la garde nationale.",
                    CIVMIL, "Gouvernorat de Ségou", "regional", "in_progress"),
                r("Désigner dans chaque commissariat et chaque brigade de la région un point focal formé à l'accueil des survivantes de violences basées sur le genre.",
                    VBG, "Direction régionale de la Police nationale de Ségou", "regional", "adopted"),
                r("Élaborer un plan d'action régional de mise en œuvre de la résolution 1325, avec un budget et des indicateurs suivis chaque année.",
                    DECISION, "Direction régionale de la promotion de la femme, de l'enfant et de la famille", "regional", "in_progress"),
                r("Ouvrir des permanences juridiques mobiles dans les communes rurales des cercles de Niono, Macina et Tominian.",
                    JUSTICE, "Tribunal de grande instance de Ségou", "local", "validated"),
                r("Associer les associations féminines aux comités communaux de prévention de l'extrémisme violent.",
                    PVE, "Mairies de la région de Ségou", "local", "implemented"),
                r("Diffuser en bambara des émissions de radio sur les recours possibles en cas de violences.",
                    VBG, "Radios communautaires de la région de Ségou", "local", "proposed"),
                r("Créer un numéro vert régional d'alerte sécuritaire accessible aux femmes.",
                    ALERT, "Ministère de la Sécurité et de la Protection civile", "national", "dropped"),
                r("Former les agents des forces de sécurité de la région aux droits des femmes et à l'accueil des victimes.",
                    VBG, "Gendarmerie nationale", "regional", "in_progress"),
                r("Faire siéger au moins une femme dans chaque comité local de sécurité.",
                    DECISION, "Préfectures de la région de Ségou", "local", "adopted"),
                r("Publier chaque année un point d'étape sur la mise en œuvre de la résolution 1325 dans la région.",
                    DECISION, "Gouvernorat de Ségou", "regional", "proposed"),
            ],
        },
        StudyPlan {
            title: "Les femmes dans les forces de défense et de sécurité : un levier de confiance",
            organisation: "Institut malien de recherche-action pour la paix (fictif)",
            donor: "Partenaires techniques et financiers (fictif)",
            theme: "Femmes dans les FDS",
            description: "Données fictives de démonstration. Recherche-action participative sur la place \
                des femmes dans les forces de défense et de sécurité et la confiance entre populations \
                et FDS : groupes de discussion et entretiens à Gao, Tombouctou, Bamako, Mopti et \
                Ménaka, journées de réflexion, validation, puis restitution des résultats à Kayes, \
                Koulikoro, Sikasso et Ségou.",
            start: "2024-09-01",
            end: "2026-09-30",
            status: "ongoing",
            team: &[
                ("Fatoumata Maïga", true),
                ("Ousmane Touré", false),
                ("Mariam Cissé", true),
                ("Ibrahim Ag Mohamed", false),
                ("Hawa Sidibé", true),
                ("Moussa Konaté", false),
                ("Aïssata Dicko", true),
            ],
            blocks: &[
                block("focus_group", &WOMEN_DSF, 8, GAO, ("2024-10-07", "2025-06-30"), (8, 14),
                    "Groupe de discussion — femmes des FDS, {lieu}"),
                block("focus_group", &WOMEN_DSF, 7, TOMBOUCTOU, ("2024-10-07", "2025-06-30"), (8, 14),
                    "Groupe de discussion — femmes des FDS, {lieu}"),
                block("focus_group", &WOMEN_DSF, 10, BAMAKO, ("2024-10-07", "2025-06-30"), (10, 16),
                    "Groupe de discussion — femmes des FDS, {lieu}"),
                block("focus_group", &WOMEN_DSF, 5, MOPTI, ("2025-01-13", "2025-06-30"), (8, 14),
                    "Groupe de discussion — femmes des FDS, {lieu}"),
                block("focus_group", &DSF, 6, GAO, ("2024-10-14", "2025-06-30"), (9, 15),
                    "Groupe de discussion — personnels des FDS, {lieu}"),
                block("focus_group", &DSF, 6, TOMBOUCTOU, ("2024-10-14", "2025-06-30"), (9, 15),
                    "Groupe de discussion — personnels des FDS, {lieu}"),
                block("focus_group", &DSF, 6, BAMAKO, ("2024-10-14", "2025-06-30"), (9, 15),
                    "Groupe de discussion — personnels des FDS, {lieu}"),
                block("focus_group", &DSF, 4, MOPTI, ("2025-01-13", "2025-06-30"), (9, 15),
                    "Groupe de discussion — personnels des FDS, {lieu}"),
                block("focus_group", &DSF, 2, MENAKA, ("2025-02-03", "2025-05-30"), (8, 12),
                    "Groupe de discussion — personnels des FDS, {lieu}"),
                block("focus_group", &WOMENS_ASSOC, 4, GAO, ("2024-10-14", "2025-06-30"), (10, 15),
                    "Groupe de discussion — associations féminines, {lieu}"),
                block("focus_group", &WOMENS_ASSOC, 4, TOMBOUCTOU, ("2024-10-14", "2025-06-30"), (10, 15),
                    "Groupe de discussion — associations féminines, {lieu}"),
                block("focus_group", &WOMENS_ASSOC, 4, BAMAKO, ("2024-10-14", "2025-06-30"), (10, 15),
                    "Groupe de discussion — associations féminines, {lieu}"),
                block("focus_group", &WOMENS_ASSOC, 3, MOPTI, ("2025-01-13", "2025-06-30"), (10, 15),
                    "Groupe de discussion — associations féminines, {lieu}"),
                block("focus_group", &YOUTH, 3, GAO, ("2024-11-04", "2025-06-30"), (10, 15),
                    "Groupe de discussion — jeunes, {lieu}"),
                block("focus_group", &YOUTH, 3, TOMBOUCTOU, ("2024-11-04", "2025-06-30"), (10, 15),
                    "Groupe de discussion — jeunes, {lieu}"),
                block("focus_group", &YOUTH, 3, BAMAKO, ("2024-11-04", "2025-06-30"), (10, 15),
                    "Groupe de discussion — jeunes, {lieu}"),
                block("focus_group", &DISPLACED, 3, GAO, ("2024-11-04", "2025-06-30"), (8, 14),
                    "Groupe de discussion — femmes déplacées, {lieu}"),
                block("focus_group", &DISPLACED, 2, MOPTI, ("2025-01-13", "2025-06-30"), (8, 14),
                    "Groupe de discussion — femmes déplacées, {lieu}"),
                block("individual_interview", &WOMEN_DSF, 40, NORTH_AND_BAMAKO, ("2024-10-07", "2025-07-31"), (1, 1),
                    "Entretien individuel — femme des FDS, {lieu}"),
                block("key_informant_interview", &KEY_INFORMANTS, 20, NORTH_AND_BAMAKO, ("2024-10-07", "2025-07-31"), (1, 1),
                    "Entretien avec un informateur clé — {lieu}"),
                block("workshop", &WORLD_CAFE, 8, NORTH_AND_BAMAKO, ("2025-02-01", "2025-09-30"), (25, 40),
                    "Atelier d'analyse participative — {lieu}"),
                block("round_table", &WORLD_CAFE, 3, BAMAKO, ("2025-05-01", "2025-11-30"), (70, 100),
                    "Journée de réflexion (world café) — {lieu}"),
                block("validation_workshop", &WORLD_CAFE, 1, &[("Bamako", "Bamako", "Commune III")], ("2025-12-01", "2025-12-19"), (40, 55),
                    "Atelier national de validation — Bamako, {lieu}"),
                block("validation_workshop", &WORLD_CAFE, 1, &[("Gao", "Gao", "Gao")], ("2026-01-12", "2026-01-30"), (35, 50),
                    "Atelier régional de validation — {lieu}"),
                tally(block("restitution", &COMMUNITY, 8, RESTITUTION_PLACES, ("2026-02-02", "2026-06-30"), (50, 90),
                    "Restitution des résultats — {lieu} ({region})")),
            ],
            recommendations: &[
                r("Appliquer le minimum de 30 % de l'un ou l'autre sexe prévu par la loi 2015-052 dans les nominations aux postes de commandement des FDS.",
                    RECRUIT, "Ministère de la Défense et des Anciens Combattants", "national", "adopted"),
                r("Informer les lycéennes et les associations de jeunes filles sur les concours d'entrée dans les FDS.",
                    RECRUIT, "Ministère de la Sécurité et de la Protection civile", "national", "in_progress"),
                r("Réviser les épreuves physiques des concours pour tenir compte de barèmes différenciés.",
                    RECRUIT, "Direction générale de la Police nationale", "national", "validated"),
                r("Doter les camps et les casernes de logements adaptés aux femmes et de crèches.",
                    SERVICE, "Forces armées maliennes", "national", "proposed"),
                r("Créer dans chaque corps un mécanisme confidentiel de plainte pour harcèlement.",
                    SERVICE, "Inspection générale des armées et services", "national", "in_progress"),
                r("Affecter des femmes dans les unités opérationnelles et les patrouilles mixtes, pas seulement dans les services administratifs.",
                    CIVMIL, "État-major général des armées", "national", "adopted"),
                r("Créer un réseau des femmes des FDS avec des antennes à Gao, Tombouctou et Mopti.",
                    SERVICE, "Ministère de la Promotion de la Femme, de l'Enfant et de la Famille", "national", "implemented"),
                r("Organiser des journées portes ouvertes des FDS avec les associations féminines et les jeunes.",
                    CIVMIL, "Garde nationale", "regional", "in_progress"),
                r("Fournir aux femmes des FDS des tenues et des équipements à leur taille.",
                    SERVICE, "Direction du matériel des armées", "national", "validated"),
                r("Former les commandants d'unité à la prise en compte du genre dans la gestion du personnel.",
                    SERVICE, "Écoles de formation des FDS", "national", "proposed"),
                r("Associer les femmes des FDS aux cadres de concertation avec les communautés dans les régions du Nord.",
                    CIVMIL, "Gouvernorat de Gao", "regional", "adopted"),
                r("Publier chaque année les effectifs féminins par corps, grade et région.",
                    RECRUIT, "Ministère de la Sécurité et de la Protection civile", "national", "dropped"),
                r("Restituer les résultats de la recherche dans chaque région avant la fin de 2026.",
                    CIVMIL, "CAFO", "national", "in_progress"),
                r("Tenir compte de la situation familiale des femmes mariées dans les affectations.",
                    SERVICE, "Direction des ressources humaines des armées", "national", "proposed"),
            ],
        },
        StudyPlan {
            title: "Défis et besoins sécuritaires des populations de la région de Kayes",
            organisation: "Centre d'études sur la sécurité au Sahel (fictif)",
            donor: "Programme régional « Sécurité pour tous » (fictif)",
            theme: "Réforme du secteur de la sécurité",
            description: "Données fictives de démonstration. Étude des défis et besoins sécuritaires des \
                populations et de leur connaissance de la réforme du secteur de la sécurité : entretiens \
                et recherche de terrain à Kayes et dans les cercles de Nioro et Kéniéba, atelier \
                régional de validation à Kayes (une trentaine de participants), puis présentation aux \
                décideurs à Bamako.",
            start: "2025-10-01",
            end: "2026-12-31",
            status: "ongoing",
            team: &[
                ("Adama Keïta", false),
                ("Djénéba Sissoko", true),
                ("Mamadou Diallo", false),
                ("Oumou Kanté", true),
            ],
            blocks: &[
                block("key_informant_interview", &KEY_INFORMANTS, 18, KAYES, ("2025-10-13", "2026-01-30"), (1, 1),
                    "Entretien avec un informateur clé — {lieu}"),
                block("individual_interview", &COMMUNITY, 14, KAYES, ("2025-10-13", "2026-01-30"), (1, 1),
                    "Entretien individuel — {lieu}"),
                block("focus_group", &WOMENS_ASSOC, 5, KAYES, ("2025-10-20", "2026-01-30"), (9, 14),
                    "Groupe de discussion — associations féminines, {lieu}"),
                block("focus_group", &YOUTH, 4, KAYES, ("2025-10-20", "2026-01-30"), (9, 14),
                    "Groupe de discussion — jeunes, {lieu}"),
                block("focus_group", &COMMUNITY, 4, KAYES, ("2025-10-20", "2026-01-30"), (10, 15),
                    "Groupe de discussion communautaire — {lieu}"),
                block("focus_group", &DSF, 3, KAYES, ("2025-10-20", "2026-01-30"), (8, 12),
                    "Groupe de discussion — FDS, {lieu}"),
                block("workshop", &COMMUNITY, 1, KAYES_TOWN, ("2025-10-06", "2025-10-10"), (25, 32),
                    "Atelier de cadrage de l'étude — {lieu}"),
                block("round_table", &KEY_INFORMANTS, 1, KAYES_TOWN, ("2026-02-09", "2026-02-20"), (18, 25),
                    "Table ronde sur la réforme du secteur de la sécurité — {lieu}"),
                block("validation_workshop", &COMMUNITY, 1, KAYES_TOWN, ("2026-03-09", "2026-03-13"), (28, 34),
                    "Atelier régional de validation de l'étude — {lieu}"),
                tally(block("restitution", &KEY_INFORMANTS, 1, &[("Bamako", "Bamako", "Commune III")], ("2026-05-04", "2026-05-15"), (55, 75),
                    "Présentation de l'étude aux décideurs — Bamako, {lieu}")),
            ],
            recommendations: &[
                r("Renforcer la présence de la gendarmerie sur les axes Kayes–Diboli et Kayes–Nioro, surtout les jours de marché.",
                    ROADS, "Gendarmerie nationale", "regional", "validated"),
                r("Installer dans les zones d'orpaillage de Kéniéba des postes de sécurité dont les agents sont formés à la médiation.",
                    ROADS, "Gouvernorat de Kayes", "regional", "adopted"),
                r("Faire connaître la réforme du secteur de la sécurité aux élus et aux organisations de la société civile de la région.",
                    SSR, "Conseil régional de Kayes", "regional", "in_progress"),
                r("Créer des comités communaux de sécurité où siègent femmes, jeunes et autorités traditionnelles.",
                    DECISION, "Mairies de la région de Kayes", "local", "validated"),
                r("Mettre en place un numéro vert régional pour signaler les incidents de sécurité.",
                    ALERT, "Direction régionale de la Police nationale de Kayes", "regional", "proposed"),
                r("Associer les associations de migrants de retour aux actions de prévention de l'extrémisme violent.",
                    PVE, "Conseil régional de Kayes", "regional", "proposed"),
                r("Renforcer les effectifs de police à Nioro et à Diéma.",
                    SSR, "Ministère de la Sécurité et de la Protection civile", "national", "validated"),
                r("Former les agents aux droits humains et à l'accueil des victimes de violences basées sur le genre.",
                    VBG, "Direction régionale de la Police nationale de Kayes", "regional", "adopted"),
                r("Tenir des audiences foraines dans les cercles de Yélimané et Bafoulabé pour rapprocher la justice des femmes.",
                    JUSTICE, "Cour d'appel de Kayes", "regional", "proposed"),
                r("Publier l'étude et la présenter aux décideurs et à la société civile à Bamako.",
                    SSR, "Ministère de la Sécurité et de la Protection civile", "national", "in_progress"),
                r("Sensibiliser contre la circulation des armes légères et renforcer les contrôles aux frontières.",
                    SSR, "Commission nationale de lutte contre la prolifération des armes légères", "national", "proposed"),
                r("Tenir chaque trimestre une rencontre entre FDS et populations dans chaque cercle.",
                    CIVMIL, "Préfectures de la région de Kayes", "local", "dropped"),
            ],
        },
];

// ---------------------------------------------------------------------------------------------
// Text the demo draws from.

fn finding_texts(theme: &str) -> &'static [&'static str] {
    match theme {
        JUSTICE => &[
            "Les femmes de {lieu} disent renoncer à porter plainte : le commissariat est loin et le transport est à leur charge.",
            "Plusieurs participants citent la lenteur des procédures ; les familles préfèrent une médiation à la justice.",
            "Les victimes craignent d'être exposées dans leur communauté si elles se présentent à la brigade.",
            "Les agents reconnaissent manquer d'un local pour recevoir les plaignantes en toute confidentialité.",
        ],
        VBG => &[
            "Les violences conjugales restent traitées comme une affaire privée ; les agents renvoient souvent les femmes vers la famille.",
            "Les participantes signalent des agressions sur la route des marchés hebdomadaires autour de {lieu}.",
            "Aucune unité de {lieu} ne dispose d'un point focal formé à l'accueil des survivantes de violences.",
            "Les jeunes filles citent le mariage précoce comme la première violence qu'elles subissent.",
        ],
        RECRUIT => &[
            "Les femmes des FDS rapportent que les familles découragent les jeunes filles de se présenter aux concours.",
            "Les épreuves physiques des concours écartent des candidates, faute de barème différencié.",
            "Les femmes en poste veulent des affectations opérationnelles, pas seulement des postes de bureau.",
            "Le minimum de 30 % de la loi 2015-052 est connu mais jugé non appliqué dans les nominations.",
        ],
        CIVMIL => &[
            "La population de {lieu} évite les postes de contrôle par crainte des tracasseries ; la confiance reste faible.",
            "Les patrouilles où servent des femmes facilitent le contact avec les ménages, selon les participants.",
            "Les participants saluent les journées portes ouvertes de la gendarmerie et souhaitent qu'elles se répètent.",
            "Les jeunes décrivent des contrôles qu'ils perçoivent comme visant certaines communautés.",
        ],
        DECISION => &[
            "Les associations féminines de {lieu} ne sont pas invitées aux réunions du comité local de sécurité.",
            "Les femmes demandent une place dans les commissions foncières, source de nombreux conflits.",
            "Les participantes connaissent mal la résolution 1325 et le plan d'action national qui la décline.",
        ],
        PVE => &[
            "Les mères disent remarquer les premières le changement de comportement des jeunes, sans savoir à qui s'adresser.",
            "Les leaders religieux proposent des prêches communs sur la paix avec les associations de femmes.",
            "Le chômage des jeunes de {lieu} est cité comme la porte d'entrée des groupes armés.",
        ],
        SERVICE => &[
            "Les femmes affectées loin de leur famille n'ont ni logement ni crèche.",
            "Les tenues et les équipements ne sont pas à la taille des femmes ; certaines achètent les leurs.",
            "Des femmes en début de carrière signalent du harcèlement et ne connaissent aucun mécanisme de plainte interne.",
            "Les femmes gradées disent être rarement proposées pour les formations de commandement.",
        ],
        ROADS => &[
            "Les axes autour de {lieu} sont jugés dangereux après 18 h ; les commerçantes voyagent en groupe.",
            "Les engins explosifs sur les routes rurales limitent l'accès aux centres de santé.",
            "Les coupeurs de route visent les jours de foire ; les transporteurs demandent des escortes.",
        ],
        ALERT => &[
            "À {lieu}, le numéro vert ne répond pas ; les alertes passent par les chefs de village.",
            "Les participants proposent des comités de veille associant femmes et forces de sécurité dans chaque commune.",
            "Les radios communautaires sont citées comme le canal d'alerte le plus rapide.",
        ],
        _ => &[
            "La réforme du secteur de la sécurité est peu connue à {lieu}, y compris des élus.",
            "Les participants attendent des FDS qu'elles rendent compte de leur action aux communautés.",
            "Les autorités traditionnelles souhaitent être associées aux mécanismes locaux de sécurité.",
        ],
    }
}

const NOTES: &[&str] = &[
    "Séance tenue dans la salle de réunion de la mairie. Participation active des femmes.",
    "Démarrage avec une heure de retard (coupure d'électricité). Échanges en langue locale avec traduction.",
    "Les participantes ont demandé que leur commune ne soit pas citée dans le rapport.",
    "Présence d'un représentant du gouverneur à l'ouverture ; il s'est retiré avant les échanges.",
    "Discussion franche sur les relations avec la population. Pas d'enregistrement à la demande du chef d'unité.",
    "Séance interrompue 20 minutes pour la prière.",
    "Deux participants sont arrivés après le début ; ils figurent sur la liste.",
    "Salle trop petite, une partie des échanges s'est tenue sous le hangar.",
    "Les frais de transport des participants venus des communes rurales ont été remboursés.",
    "Plusieurs participantes ont témoigné de violences subies ; orientation vers le centre d'écoute convenue.",
];

const LATE_NOTE: &str =
    "Compte rendu complété après relecture par l'équipe : citations vérifiées avec les participants.";

fn institutions(group: &str) -> &'static [&'static str] {
    match group {
        "police" => &["Police nationale"],
        "gendarmerie" => &["Gendarmerie nationale"],
        "national_guard" => &["Garde nationale"],
        "armed_forces" => &["Forces armées maliennes"],
        "civil_protection" => &["Protection civile"],
        "womens_association" => &[
            "CAFO",
            "CAFO",
            "Association des femmes de {lieu}",
            "Réseau des femmes pour la paix de {region}",
            "Coopérative des maraîchères de {lieu}",
        ],
        "youth" => &[
            "Conseil national de la jeunesse",
            "Conseil local de la jeunesse de {lieu}",
            "Association des élèves et étudiants",
            "Mouvement des jeunes de {lieu}",
        ],
        "administrative_authority" => &[
            "Gouvernorat de {region}",
            "Préfecture de {cercle}",
            "Sous-préfecture",
            "Direction régionale de la promotion de la femme, de l'enfant et de la famille",
        ],
        "religious_authority" => &[
            "Haut Conseil islamique",
            "Ligue des imams",
            "Église catholique",
        ],
        "traditional_authority" => &[
            "Chefferie de {lieu}",
            "Conseil de village",
            "Notabilité de {lieu}",
        ],
        "political_authority" => &[
            "Mairie de {lieu}",
            "Conseil de cercle de {cercle}",
            "Conseil régional de {region}",
        ],
        "civil_society" => &[
            "Conseil régional de la société civile",
            "Radio communautaire de {lieu}",
            "Association de défense des droits humains",
            "ONG locale",
        ],
        "displaced_refugee" => &["", "Site de déplacés de {lieu}"],
        _ => &[
            "Association des commerçants de {lieu}",
            "Syndicat des transporteurs",
        ],
    }
}

fn roles(group: &str, woman: bool) -> &'static [&'static str] {
    match (group, woman) {
        ("police", _) => &[
            "Commissaire",
            "Officier de police",
            "Inspecteur",
            "Sergent",
            "Agent de police",
            "Agent de police",
        ],
        ("gendarmerie", _) => &[
            "Capitaine",
            "Lieutenant",
            "Adjudant",
            "Maréchal des logis",
            "Gendarme",
            "Gendarme",
        ],
        ("national_guard", _) => &[
            "Lieutenant",
            "Adjudant-chef",
            "Sergent-chef",
            "Garde",
            "Garde",
        ],
        ("armed_forces", _) => &[
            "Commandant",
            "Capitaine",
            "Sergent",
            "Caporal",
            "Soldat de 1re classe",
        ],
        ("civil_protection", _) => &["Lieutenant", "Sergent", "Sapeur-pompier"],
        ("womens_association", _) => &[
            "Présidente",
            "Secrétaire générale",
            "Trésorière",
            "Membre",
            "Membre",
            "Membre",
        ],
        ("youth", _) => &[
            "Président(e) d'association",
            "Secrétaire à l'organisation",
            "Membre",
            "Membre",
            "Élève",
        ],
        ("administrative_authority", true) => {
            &["Directrice régionale", "Sous-préfète", "Chargée de mission"]
        }
        ("administrative_authority", false) => &[
            "Préfet",
            "Sous-préfet",
            "Conseiller du gouverneur",
            "Chargé de mission",
        ],
        ("religious_authority", _) => &["Imam", "Prêcheur", "Responsable d'association religieuse"],
        ("traditional_authority", true) => &["Reine mère", "Conseillère de village"],
        ("traditional_authority", false) => {
            &["Chef de village", "Conseiller de village", "Notable"]
        }
        ("political_authority", true) => &["Maire", "Conseillère communale"],
        ("political_authority", false) => &["Maire", "Adjoint au maire", "Conseiller communal"],
        ("civil_society", _) => &[
            "Coordinateur(trice)",
            "Animateur(trice) radio",
            "Juriste",
            "Membre",
        ],
        ("displaced_refugee", _) => &["Déplacé(e) interne", "Représentant(e) du site"],
        _ => &["Commerçant(e)", "Transporteur", "Enseignant(e)"],
    }
}

/// Ages drawn per group: (youngest, oldest).
fn age_range(group: &str) -> (i64, i64) {
    match group {
        "police" | "gendarmerie" | "national_guard" | "armed_forces" | "civil_protection" => {
            (21, 56)
        }
        "youth" => (16, 34),
        "womens_association" => (22, 72),
        "administrative_authority" | "political_authority" => (32, 66),
        "religious_authority" | "traditional_authority" => (40, 75),
        "displaced_refugee" => (16, 70),
        _ => (20, 68),
    }
}

fn region_languages(region: &str) -> &'static [&'static str] {
    match region {
        "Gao" => &["ses", "taq"],
        "Tombouctou" => &["ses", "taq"],
        "Ménaka" => &["taq", "ses"],
        "Mopti" => &["ff", "bm"],
        "Kayes" => &["snk", "bm", "ff"],
        _ => &["bm"],
    }
}

const AGE_BANDS_ONLY: &[&str] = &["18_24", "25_35", "36_59", "60_plus"];

// ---------------------------------------------------------------------------------------------
// The writer of the demo.

struct Demo {
    rng: StdRng,
    gazetteer: Gazetteer,
    summary: DemoSummary,
    regions: BTreeSet<String>,
}

/// A session written, kept to link recommendations to it.
struct Written {
    id: String,
    session_type: &'static str,
}

/// Where a session took place: the place's id and the names of its region, cercle, commune.
struct Spot {
    id: String,
    region_id: String,
    region: &'static str,
    cercle: &'static str,
    commune: &'static str,
}

impl Demo {
    fn study(&mut self, w: &mut Writer<'_>, plan: &StudyPlan) -> Result<()> {
        let study = w.create(
            Entity::Study,
            &obj(json!({
                "title": plan.title,
                "organisation": plan.organisation,
                "donor": plan.donor,
                "theme": plan.theme,
                "description": plan.description,
                "start_date": plan.start,
                "end_date": plan.end,
                "status": "planned",
            })),
        )?;
        w.update(Entity::Study, &study, &obj(json!({"status": "ongoing"})))?;
        self.summary.studies += 1;
        let mut sessions: Vec<Written> = Vec::new();
        for block in plan.blocks {
            // Places are taken in turn from a random start, so a block visits all of them.
            let start = self.rng.gen_range(0..block.places.len().max(1));
            for i in 0..block.count {
                let place = block.places[(start + i) % block.places.len()];
                let s = self.session(w, &study, plan, block, place)?;
                sessions.push(s);
            }
        }
        if plan.status != "ongoing" {
            w.update(Entity::Study, &study, &obj(json!({"status": plan.status})))?;
        }
        self.duplicate_entered_by_mistake(w, &study, &sessions)?;
        self.recommendations(w, &study, plan, &sessions)
    }

    fn spot(
        &self,
        (region, cercle, commune): (&'static str, &'static str, &'static str),
    ) -> Result<Spot> {
        let (id, region_id) = self.gazetteer.find(region, cercle, commune)?;
        Ok(Spot {
            id,
            region_id,
            region,
            cercle,
            commune,
        })
    }

    fn session(
        &mut self,
        w: &mut Writer<'_>,
        study: &str,
        plan: &StudyPlan,
        block: &Block,
        place: (&'static str, &'static str, &'static str),
    ) -> Result<Written> {
        let spot = self.spot(place)?;
        self.regions.insert(spot.region_id.clone());
        let date = self.date(block.from, block.to)?;
        let audience = block.audience;
        let (languages, interpreter) = self.languages(audience, spot.region, block.size.1 == 1);
        let (facilitators, note_taker, woman_facilitator) =
            self.team(plan.team, audience.women_only, block.size.1 == 1);
        let duration = self.duration(block.session_type);
        let consent = self.consent(block.session_type, audience);
        let notes = if self.rng.gen_bool(0.55) {
            Some(*NOTES.choose(&mut self.rng).unwrap_or(&NOTES[0]))
        } else {
            None
        };
        let title = fill(block.title, &spot);
        let mut fields = obj(json!({
            "study_id": study,
            "session_type": block.session_type,
            "title": title,
            "date": date,
            "duration_minutes": duration,
            "place_id": spot.id,
            "languages": languages,
            "facilitators": facilitators,
            "note_taker": note_taker,
            "woman_facilitator": woman_facilitator,
            "women_only": audience.women_only,
            "interpreter": interpreter,
            "notes": notes,
        }));
        match consent {
            Some(c) => fields.extend(c),
            None => self.summary.sessions_without_consent += 1,
        }
        let id = w.create(Entity::Session, &fields)?;
        self.summary.sessions += 1;

        let size = self.rng.gen_range(block.size.0..=block.size.1);
        if block.tally {
            self.tally(w, &id, audience, size)?;
        } else {
            self.participants(w, &id, audience, size, &spot)?;
        }
        self.findings(w, &id, block.session_type, audience, &spot)?;
        // A report finished after the fact: the history shows the edit.
        if notes.is_some() && self.rng.gen_bool(0.12) {
            w.update(
                Entity::Session,
                &id,
                &obj(json!({"notes": format!("{}\n{LATE_NOTE}", notes.unwrap_or_default())})),
            )?;
        }
        Ok(Written {
            id,
            session_type: block.session_type,
        })
    }

    fn date(&mut self, from: &str, to: &str) -> Result<String> {
        let parse = |d: &str| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|e| Error::Internal(format!("demo date {d}: {e}")))
        };
        let (from, to) = (parse(from)?, parse(to)?);
        let span = (to - from).num_days().max(0);
        let mut day = from + Duration::days(self.rng.gen_range(0..=span));
        // No fieldwork on Sundays: the Saturday before, or the Monday after at a block's start.
        if day.weekday() == Weekday::Sun {
            day = if day > from {
                day - Duration::days(1)
            } else {
                day + Duration::days(1)
            };
        }
        Ok(day.format("%Y-%m-%d").to_string())
    }

    fn duration(&mut self, session_type: &str) -> i64 {
        let (lo, hi) = match session_type {
            "focus_group" => (90, 150),
            "individual_interview" => (40, 90),
            "key_informant_interview" => (35, 75),
            "workshop" => (240, 420),
            "validation_workshop" => (300, 420),
            "restitution" => (180, 300),
            _ => (120, 240),
        };
        self.rng.gen_range(lo / 5..=hi / 5) * 5
    }

    /// Languages spoken (BCP-47) and whether an interpreter was there.
    fn languages(
        &mut self,
        audience: &Audience,
        region: &str,
        one_person: bool,
    ) -> (Vec<&'static str>, bool) {
        let local = region_languages(region);
        let mut langs = vec!["fr"];
        if audience.french {
            if one_person || self.rng.gen_bool(0.7) {
                return (langs, false);
            }
            langs.push(local[0]);
            return (langs, false);
        }
        let first = local[0];
        if one_person {
            return (vec![first], self.rng.gen_bool(0.3));
        }
        langs.push(first);
        if local.len() > 1 && self.rng.gen_bool(0.35) {
            langs.push(local[1]);
        }
        let interpreter = langs.contains(&"taq") || self.rng.gen_bool(0.4);
        (langs, interpreter)
    }

    /// Facilitators, note-taker, and whether a woman facilitated. A women-only session is led
    /// by a woman.
    fn team(
        &mut self,
        team: &'static [(&'static str, bool)],
        women_only: bool,
        one_person: bool,
    ) -> (Vec<&'static str>, &'static str, bool) {
        let mut order: Vec<&(&str, bool)> = team.iter().collect();
        order.shuffle(&mut self.rng);
        if women_only {
            order.sort_by_key(|(_, woman)| !woman);
        }
        let n = if one_person { 1 } else { 2 };
        let chosen: Vec<&'static str> = order.iter().take(n).map(|(name, _)| *name).collect();
        let woman = order.iter().take(n).any(|(_, woman)| *woman);
        let note_taker = order.get(n).map(|(name, _)| *name).unwrap_or(order[0].0);
        (chosen, note_taker, woman)
    }

    /// The consent record, or None for the sessions left without one on purpose.
    fn consent(&mut self, session_type: &str, audience: &Audience) -> Option<Fields> {
        if self.rng.gen_bool(0.06) {
            return None;
        }
        let interview = session_type.ends_with("interview");
        let level = if interview || (session_type == "focus_group" && self.rng.gen_bool(0.35)) {
            "individual"
        } else {
            "group"
        };
        let form = match self.rng.gen_range(0..10) {
            0..=5 => "oral",
            6..=8 => "written",
            _ => "thumbprint",
        };
        let dsf = audience.french && !interview;
        let public = matches!(
            session_type,
            "workshop" | "validation_workshop" | "restitution" | "round_table"
        );
        Some(obj(json!({
            "consent_level": level,
            "consent_form": form,
            "consent_recording": self.rng.gen_bool(if dsf { 0.35 } else if interview { 0.8 } else { 0.6 }),
            "consent_quotes": self.rng.gen_bool(0.85),
            "consent_photos": !audience.women_only && self.rng.gen_bool(if public { 0.85 } else { 0.15 }),
        })))
    }

    fn pick_mix(&mut self, audience: &'static Audience) -> &'static Mix {
        let total: u32 = audience.mix.iter().map(|x| x.weight).sum();
        let mut n = self.rng.gen_range(0..total.max(1));
        for x in audience.mix {
            if n < x.weight {
                return x;
            }
            n -= x.weight;
        }
        &audience.mix[0]
    }

    fn age(&mut self, group: &str) -> i64 {
        let (lo, hi) = age_range(group);
        // The mean of two draws: most people in the middle of the range, a few at its ends.
        let a = self.rng.gen_range(lo..=hi);
        let b = self.rng.gen_range(lo..=hi);
        (a + b) / 2
    }

    fn participants(
        &mut self,
        w: &mut Writer<'_>,
        session: &str,
        audience: &'static Audience,
        size: usize,
        spot: &Spot,
    ) -> Result<()> {
        for _ in 0..size {
            let mix = self.pick_mix(audience);
            let woman = self.rng.gen_bool(mix.women);
            let sex = if woman { "female" } else { "male" };
            let roll = self.rng.gen_range(0..100);
            let (age, band) = match roll {
                0..=84 => (Some(self.age(mix.group)), None),
                85..=95 => (None, AGE_BANDS_ONLY.choose(&mut self.rng).copied()),
                _ => (None, None),
            };
            let institution = institutions(mix.group)
                .choose(&mut self.rng)
                .map(|t| fill(t, spot))
                .filter(|t| !t.is_empty());
            let role = roles(mix.group, woman).choose(&mut self.rng).copied();
            let consent = match self.rng.gen_range(0..100) {
                0..=93 => Some("given"),
                94..=96 => Some("unknown"),
                97 => Some("withdrawn"),
                _ => None,
            };
            let home = if self.rng.gen_bool(0.5) {
                Some(spot.id.clone())
            } else {
                None
            };
            w.create(
                Entity::Participant,
                &obj(json!({
                    "session_id": session,
                    "sex": sex,
                    "age": age,
                    "age_band": band,
                    "actor_group": mix.group,
                    "institution": institution,
                    "role": role,
                    "home_commune_id": home,
                    "consent": consent,
                })),
            )?;
            self.summary.participants += 1;
        }
        Ok(())
    }

    /// A sign-in sheet: people counted by sex × age band × actor group.
    fn tally(
        &mut self,
        w: &mut Writer<'_>,
        session: &str,
        audience: &'static Audience,
        size: usize,
    ) -> Result<()> {
        let mut cells: BTreeMap<(&'static str, &'static str, &'static str), i64> = BTreeMap::new();
        for _ in 0..size {
            let mix = self.pick_mix(audience);
            let sex = if self.rng.gen_bool(mix.women) {
                "female"
            } else {
                "male"
            };
            let band = crate::schema::age_band_of(self.age(mix.group));
            *cells.entry((sex, band, mix.group)).or_default() += 1;
        }
        for ((sex, band, group), count) in cells {
            w.create(
                Entity::Tally,
                &obj(json!({
                    "session_id": session,
                    "sex": sex,
                    "age_band": band,
                    "actor_group": group,
                    "count": count,
                })),
            )?;
            self.summary.tallies += 1;
            self.summary.people_tallied += count as u32;
        }
        Ok(())
    }

    fn findings(
        &mut self,
        w: &mut Writer<'_>,
        session: &str,
        session_type: &str,
        audience: &'static Audience,
        spot: &Spot,
    ) -> Result<()> {
        let n = match session_type {
            "focus_group" => self.rng.gen_range(1..=3),
            "individual_interview" | "key_informant_interview" => self.rng.gen_range(1..=2),
            "workshop" | "round_table" => self.rng.gen_range(2..=3),
            "validation_workshop" => 1,
            _ => self.rng.gen_range(0..=1),
        };
        let mut themes: Vec<&'static str> = audience.themes.to_vec();
        themes.shuffle(&mut self.rng);
        for theme in themes.into_iter().take(n) {
            let text = finding_texts(theme)
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default();
            let speaker = self.pick_mix(audience).group;
            w.create(
                Entity::Finding,
                &obj(json!({
                    "session_id": session,
                    "theme": theme,
                    "text": fill(text, spot),
                    "speaker_category": speaker,
                })),
            )?;
            self.summary.findings += 1;
        }
        Ok(())
    }

    /// One session typed twice by mistake and deleted: the "deleted" view has something to restore.
    fn duplicate_entered_by_mistake(
        &mut self,
        w: &mut Writer<'_>,
        study: &str,
        sessions: &[Written],
    ) -> Result<()> {
        let Some(original) = sessions.iter().find(|s| s.session_type == "focus_group") else {
            return Ok(());
        };
        let row = crate::read::get(w.conn(), Entity::Session, &original.id)?;
        let mut fields = Fields::new();
        for key in [
            "session_type",
            "title",
            "date",
            "place_id",
            "duration_minutes",
        ] {
            if let Some(v) = row.fields.get(key) {
                fields.insert(key.to_string(), v.clone());
            }
        }
        fields.insert("study_id".into(), json!(study));
        fields.insert(
            "notes".into(),
            json!("Saisie en double de la séance, à supprimer."),
        );
        let id = w.create(Entity::Session, &fields)?;
        w.delete(Entity::Session, &id)
    }

    fn recommendations(
        &mut self,
        w: &mut Writer<'_>,
        study: &str,
        plan: &StudyPlan,
        sessions: &[Written],
    ) -> Result<()> {
        let sources: Vec<&Written> = sessions
            .iter()
            .filter(|s| {
                matches!(
                    s.session_type,
                    "focus_group" | "workshop" | "round_table" | "key_informant_interview"
                )
            })
            .collect();
        let validation = sessions
            .iter()
            .find(|s| s.session_type == "validation_workshop");
        for rec in plan.recommendations {
            let n = self.rng.gen_range(1..=3);
            let mut from: Vec<&str> = sources
                .choose_multiple(&mut self.rng, n)
                .map(|s| s.id.as_str())
                .collect();
            from.sort();
            let id = w.create(
                Entity::Recommendation,
                &obj(json!({
                    "study_id": study,
                    "text": rec.text,
                    "theme": rec.theme,
                    "target_institution": rec.target,
                    "level": rec.level,
                    "status": "proposed",
                    "source_sessions": from,
                })),
            )?;
            self.summary.recommendations += 1;
            // Each step is its own update, so the status history shows the way it went.
            for step in status_path(rec.status) {
                let mut fields = obj(json!({ "status": step }));
                if *step == "validated" {
                    if let Some(v) = validation {
                        fields.insert("validated_at".into(), json!(v.id));
                    }
                }
                w.update(Entity::Recommendation, &id, &fields)?;
            }
        }
        Ok(())
    }
}

/// The statuses a recommendation goes through after "proposed" to end at `last`.
fn status_path(last: &str) -> &'static [&'static str] {
    match last {
        "validated" => &["validated"],
        "adopted" => &["validated", "adopted"],
        "in_progress" => &["validated", "adopted", "in_progress"],
        "implemented" => &["validated", "adopted", "in_progress", "implemented"],
        "dropped" => &["validated", "dropped"],
        _ => &[],
    }
}

fn fill(template: &str, spot: &Spot) -> String {
    template
        .replace("{lieu}", spot.commune)
        .replace("{cercle}", spot.cercle)
        .replace("{region}", spot.region)
}

fn obj(value: Json) -> Fields {
    match value {
        Json::Object(map) => map.into_iter().collect(),
        _ => Fields::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Places of the 2016 map, found by name.

struct Gazetteer {
    /// (kind, name, parent id) → id.
    by_name: BTreeMap<(String, String, Option<String>), String>,
}

impl Gazetteer {
    fn load(conn: &rusqlite::Connection) -> Result<Gazetteer> {
        let mut stmt = conn.prepare(
            "SELECT id, kind, name, parent_id FROM place
              WHERE deleted = 0 AND map_version = '2016' AND kind IN ('region', 'cercle', 'commune')",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ),
                r.get::<_, String>(0)?,
            ))
        })?;
        let mut by_name = BTreeMap::new();
        for row in rows {
            let (key, id) = row?;
            by_name.insert(key, id);
        }
        Ok(Gazetteer { by_name })
    }

    /// The commune's id (or its cercle's, or its region's, if a finer level is missing) and the
    /// region's id.
    fn find(&self, region: &str, cercle: &str, commune: &str) -> Result<(String, String)> {
        let get = |kind: &str, name: &str, parent: Option<&String>| {
            self.by_name
                .iter()
                .find(|((k, n, p), _)| {
                    k == kind && n == name && (parent.is_none() || p.as_ref() == parent)
                })
                .map(|(_, id)| id.clone())
        };
        let region_id = get("region", region, None).ok_or_else(|| Error::NotFound {
            entity: Entity::Place,
            id: region.to_string(),
        })?;
        let Some(cercle_id) = get("cercle", cercle, Some(&region_id)) else {
            return Ok((region_id.clone(), region_id));
        };
        let place = get("commune", commune, Some(&cercle_id)).unwrap_or(cercle_id);
        Ok((place, region_id))
    }
}
