//! What the demo's sessions say: the themes of findings, the findings' texts and the notes of
//! the sessions. `{lieu}`, `{cercle}` and `{region}` are filled with the session's place.

pub(super) const JUSTICE: &str = "accès à la justice";
pub(super) const VBG: &str = "violences basées sur le genre";
pub(super) const RECRUIT: &str = "recrutement des femmes";
pub(super) const CIVMIL: &str = "relations civilo-militaires";
pub(super) const DECISION: &str = "participation des femmes aux décisions";
pub(super) const PVE: &str = "prévention de l'extrémisme violent";
pub(super) const SERVICE: &str = "conditions de service des femmes";
pub(super) const ROADS: &str = "sécurité des déplacements";
pub(super) const ALERT: &str = "alerte précoce";
pub(super) const SSR: &str = "réforme du secteur de la sécurité";

pub(super) fn finding_texts(theme: &str) -> &'static [&'static str] {
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

pub(super) const NOTES: &[&str] = &[
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

pub(super) const LATE_NOTE: &str =
    "Compte rendu complété après relecture par l'équipe : citations vérifiées avec les participants.";
