//! The plan of the demo: its three studies, each a series of blocks of sessions (type,
//! audience, places, dates, size) and the recommendations that came out of it.

use crate::demo::audiences::{
    Audience, COMMUNITY, DISPLACED, DSF, FSI, KEY_INFORMANTS, MIXED_1325, WOMENS_ASSOC, WOMEN_DSF,
    WORLD_CAFE, YOUTH,
};
use crate::demo::texts::{
    ALERT, CIVMIL, DECISION, JUSTICE, PVE, RECRUIT, ROADS, SERVICE, SSR, VBG,
};

pub(super) struct StudyPlan {
    pub(super) title: &'static str,
    pub(super) organisation: &'static str,
    pub(super) donor: &'static str,
    pub(super) theme: &'static str,
    pub(super) description: &'static str,
    pub(super) start: &'static str,
    pub(super) end: &'static str,
    pub(super) status: &'static str,
    /// Facilitators and note-takers: (name, is a woman).
    pub(super) team: &'static [(&'static str, bool)],
    pub(super) blocks: &'static [Block],
    pub(super) recommendations: &'static [RecPlan],
}

/// `count` sessions of one type with one audience, at places drawn from `places`, between two dates.
pub(super) struct Block {
    pub(super) session_type: &'static str,
    pub(super) audience: &'static Audience,
    pub(super) count: usize,
    /// (region, cercle, commune) names in the 2016 gazetteer.
    pub(super) places: &'static [(&'static str, &'static str, &'static str)],
    pub(super) from: &'static str,
    pub(super) to: &'static str,
    /// Number of people present, inclusive range.
    pub(super) size: (usize, usize),
    /// People counted on a sign-in sheet (tally grid) rather than one line each.
    pub(super) tally: bool,
    /// `{lieu}` is the commune, `{region}` the region.
    pub(super) title: &'static str,
}

pub(super) struct RecPlan {
    pub(super) text: &'static str,
    pub(super) theme: &'static str,
    pub(super) target: &'static str,
    pub(super) level: &'static str,
    /// Where it ended up; it gets there through each status before it.
    pub(super) status: &'static str,
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

pub(super) static STUDY_PLANS: [StudyPlan; 3] = [
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
