//! Errors of the hub and its client. Each has a stable code (sent over the wire and shown to
//! scripts), an HTTP status on the server side, and a message in French and English.

use terrain_core::Lang;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The other side refused the request; code and messages are the ones it sent.
    #[error("{message_en}")]
    Refused {
        status: u16,
        code: String,
        message_fr: String,
        message_en: String,
    },
    #[error("the hub cannot be reached at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "this device is not enrolled on the hub: give the join code printed by `terrain serve`"
    )]
    NeedJoinCode,
    #[error("cannot share on {address}: {reason}. Another program may be using this port: try another number.")]
    CannotListen { address: String, reason: String },
    #[error("\"{address}\" is not a valid address to listen on (for example 192.168.1.20:7878).")]
    BadAddress { address: String },
    #[error("Type the hub's address, for example http://192.168.1.20:7878.")]
    BadUrl,
    /// Truly no study: none created here (a creator is a member, see `sync::member_studies`)
    /// and none joined.
    #[error("This laptop has neither created nor joined a study: create one in Studies, or join one with its join file, before syncing.")]
    NoJoinedStudy,
    /// The hub has joined none of this laptop's studies: a hub holds only the studies it was
    /// invited to, like any laptop.
    #[error("The hub and this laptop share no study: the hub has not joined this laptop's studies. Ask the study's coordinator to invite the hub (a join file and its code, joined on the hub's computer), then sync again.")]
    NoCommonStudy,
    #[error("sync cancelled")]
    Cancelled,
    #[error("no device {node} is enrolled on this hub")]
    UnknownDevice { node: String },
    #[error("the hub sent an answer that cannot be read: {0}")]
    BadAnswer(String),
    /// The hub claimed more changes but sent none this laptop lacked: asking again would get
    /// the same answer forever.
    #[error("The hub keeps saying it has more changes but sends none that are new: sync stopped. What was received is kept; try another hub or ask the hub's owner to check it.")]
    HubStalled,
    /// The hub still claimed more after the most rounds one sync takes.
    #[error("The hub was still sending after {rounds} rounds: sync stopped. What was received is kept; sync again to go on.")]
    TooManyRounds { rounds: u32 },
    #[error(transparent)]
    Core(#[from] terrain_core::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = HubError> = std::result::Result<T, E>;

impl HubError {
    pub fn code(&self) -> String {
        match self {
            HubError::Refused { code, .. } => code.clone(),
            HubError::Unreachable { .. } => "unreachable".into(),
            HubError::CannotListen { .. } => "cannot_listen".into(),
            HubError::BadAddress { .. } => "bad_address".into(),
            HubError::BadUrl => "bad_url".into(),
            HubError::NoJoinedStudy => "no_joined_study".into(),
            HubError::NeedJoinCode => "need_join_code".into(),
            HubError::NoCommonStudy => "no_common_study".into(),
            HubError::Cancelled => "cancelled".into(),
            HubError::UnknownDevice { .. } => "unknown_device".into(),
            HubError::BadAnswer(_) => "bad_answer".into(),
            HubError::HubStalled => "hub_stalled".into(),
            HubError::TooManyRounds { .. } => "too_many_rounds".into(),
            HubError::Core(e) => e.code().into(),
            HubError::Io(_) => "io".into(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (HubError::Refused { message_fr, .. }, Lang::Fr) => message_fr.clone(),
            (HubError::Refused { message_en, .. }, Lang::En) => message_en.clone(),
            (HubError::Unreachable { url, reason }, Lang::Fr) => {
                format!("Le hub est injoignable à l'adresse {url} : {reason}")
            }
            (HubError::CannotListen { address, reason }, Lang::Fr) => format!(
                "Impossible de partager sur {address} : {reason}. Un autre programme utilise peut-être ce port : essayez un autre numéro."
            ),
            (HubError::BadAddress { address }, Lang::Fr) => format!(
                "« {address} » n'est pas une adresse d'écoute valide (par exemple 192.168.1.20:7878)."
            ),
            (HubError::BadUrl, Lang::Fr) => {
                "Saisissez l'adresse du hub, par exemple http://192.168.1.20:7878.".into()
            }
            (HubError::NoJoinedStudy, Lang::Fr) => "Cet ordinateur n'a créé ni rejoint aucune étude : créez-en une dans Études, ou rejoignez-en une avec son fichier d'invitation, avant de synchroniser.".into(),
            (HubError::NeedJoinCode, Lang::Fr) => "Cet ordinateur n'est pas inscrit sur le hub : saisissez le code d'inscription affiché par `terrain serve`.".into(),
            (HubError::NoCommonStudy, Lang::Fr) => {
                "Le hub et cet ordinateur n'ont aucune étude en commun : le hub n'a rejoint aucune des études de cet ordinateur. Demandez au coordinateur de l'étude d'inviter le hub (un fichier d'invitation et son code, à rejoindre sur l'ordinateur du hub), puis synchronisez à nouveau.".into()
            }
            (HubError::Cancelled, Lang::Fr) => "Synchronisation annulée.".into(),
            (HubError::UnknownDevice { node }, Lang::Fr) => {
                format!("Aucun appareil {node} n'est inscrit sur ce hub.")
            }
            (HubError::BadAnswer(e), Lang::Fr) => format!("Réponse illisible du hub : {e}"),
            (HubError::HubStalled, Lang::Fr) => "Le hub annonce toujours d'autres modifications mais n'en envoie aucune de nouvelle : synchronisation arrêtée. Ce qui a été reçu est conservé ; essayez un autre hub ou demandez à son responsable de le vérifier.".into(),
            (HubError::TooManyRounds { rounds }, Lang::Fr) => format!(
                "Le hub envoyait encore après {rounds} échanges : synchronisation arrêtée. Ce qui a été reçu est conservé ; synchronisez de nouveau pour continuer."
            ),
            (HubError::Core(e), _) => e.message(lang),
            (HubError::Io(e), Lang::Fr) => format!("Erreur de fichier : {e}"),
            _ => self.to_string(),
        }
    }
}

/// A refusal by the hub: HTTP status, stable code, messages. Sent as JSON, never encrypted:
/// it says nothing about the data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    #[serde(skip)]
    pub status: u16,
    pub code: String,
    pub message_fr: String,
    pub message_en: String,
}

impl Refusal {
    pub fn new(status: u16, code: &str, fr: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code: code.to_string(),
            message_fr: fr.into(),
            message_en: en.into(),
        }
    }

    pub fn bad_request(fr: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal::new(400, "bad_request", fr, en)
    }

    pub fn internal(e: impl std::fmt::Display) -> Refusal {
        Refusal::new(
            500,
            "internal",
            format!("Erreur interne du hub : {e}"),
            format!("Internal hub error: {e}"),
        )
    }

    /// A core sync refusal with another status than From's 422.
    pub fn from_sync(status: u16, e: terrain_core::error::SyncError) -> Refusal {
        let e = terrain_core::Error::Sync(e);
        Refusal::new(status, e.code(), e.message(Lang::Fr), e.message(Lang::En))
    }

    pub fn into_error(self) -> HubError {
        HubError::Refused {
            status: self.status,
            code: self.code,
            message_fr: self.message_fr,
            message_en: self.message_en,
        }
    }
}

impl From<terrain_core::Error> for Refusal {
    /// What the request sent is refused with the core's own code (a malformed batch, a value
    /// the schema refuses, a change its author could not sign or write); anything else is the
    /// hub's fault.
    fn from(e: terrain_core::Error) -> Refusal {
        use terrain_core::Error as E;
        match e {
            E::Invalid(_) | E::Refused(_) | E::Sync(_) | E::Authorship(_) | E::UnknownEntity(_) => {
                Refusal::new(422, e.code(), e.message(Lang::Fr), e.message(Lang::En))
            }
            other => Refusal::internal(other.message(Lang::En)),
        }
    }
}
