//! Who the demo's participants are: their institutions and roles by actor group, their ages,
//! and the languages spoken where they live.

pub(super) fn institutions(group: &str) -> &'static [&'static str] {
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

pub(super) fn roles(group: &str, woman: bool) -> &'static [&'static str] {
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
pub(super) fn age_range(group: &str) -> (i64, i64) {
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

pub(super) fn region_languages(region: &str) -> &'static [&'static str] {
    match region {
        "Gao" => &["ses", "taq"],
        "Tombouctou" => &["ses", "taq"],
        "Ménaka" => &["taq", "ses"],
        "Mopti" => &["ff", "bm"],
        "Kayes" => &["snk", "bm", "ff"],
        _ => &["bm"],
    }
}

pub(super) const AGE_BANDS_ONLY: &[&str] = &["18_24", "25_35", "36_59", "60_plus"];
