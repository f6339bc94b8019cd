//! The audiences of the demo's sessions: which actor groups come, in what proportions, with
//! what share of women, and what they talk about.

use crate::demo::texts::{
    ALERT, CIVMIL, DECISION, JUSTICE, PVE, RECRUIT, ROADS, SERVICE, SSR, VBG,
};

pub(super) struct Audience {
    pub(super) mix: &'static [Mix],
    pub(super) women_only: bool,
    /// Themes of what this audience says, for findings.
    pub(super) themes: &'static [&'static str],
    /// Only the working language (DSF and officials speak French in these sessions).
    pub(super) french: bool,
}

/// One actor group in an audience: its weight and its share of women.
pub(super) struct Mix {
    pub(super) group: &'static str,
    pub(super) weight: u32,
    pub(super) women: f64,
}

const fn m(group: &'static str, weight: u32, women: f64) -> Mix {
    Mix {
        group,
        weight,
        women,
    }
}

/// Police, gendarmerie and national guard (the internal security forces of the Ségou workshop).
pub(super) static FSI: Audience = Audience {
    mix: &[
        m("police", 40, 0.12),
        m("gendarmerie", 32, 0.06),
        m("national_guard", 28, 0.07),
    ],
    women_only: false,
    themes: &[CIVMIL, RECRUIT, ALERT, VBG, SERVICE],
    french: true,
};

pub(super) static DSF: Audience = Audience {
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

pub(super) static WOMEN_DSF: Audience = Audience {
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

pub(super) static WOMENS_ASSOC: Audience = Audience {
    mix: &[m("womens_association", 100, 1.0)],
    women_only: true,
    themes: &[VBG, JUSTICE, DECISION, PVE, ROADS],
    french: false,
};

pub(super) static YOUTH: Audience = Audience {
    mix: &[m("youth", 100, 0.45)],
    women_only: false,
    themes: &[CIVMIL, PVE, ROADS, RECRUIT],
    french: false,
};

pub(super) static DISPLACED: Audience = Audience {
    mix: &[m("displaced_refugee", 100, 1.0)],
    women_only: true,
    themes: &[VBG, ROADS, JUSTICE],
    french: false,
};

/// The Ségou 1325 workshops: women's associations, the security forces, the authorities.
pub(super) static MIXED_1325: Audience = Audience {
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
pub(super) static WORLD_CAFE: Audience = Audience {
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

pub(super) static COMMUNITY: Audience = Audience {
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

pub(super) static KEY_INFORMANTS: Audience = Audience {
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
