//! Request authentication: every request is signed by the device's ed25519 key over its
//! method, path, protocol, study, device, time, a random nonce and the SHA-256 of its body.
//! The hub refuses a bad signature, a time too far from its clock, a nonce it has already
//! seen, and any request signed before it started (its nonce memory starts empty then).
//! The body's hash also travels in a header ([`H_BODY_HASH`]): the hub checks the signature
//! before reading the body, then that the body it reads has that hash.

use std::collections::{HashMap, VecDeque};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::Refusal;
use crate::protocol::*;

/// The signed parts of a request, as read from (or written into) its headers.
#[derive(Debug, Clone)]
pub struct Signed {
    pub protocol: u32,
    pub study: String,
    pub node: String,
    pub time_ms: i64,
    pub nonce: String,
    /// The fingerprint of the study key the body is sealed with (`key_check`): which version.
    pub key: String,
}

/// The SHA-256 of a body, as hex: what the signature covers and [`H_BODY_HASH`] carries.
pub fn body_hash(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn canonical(method: &str, path: &str, s: &Signed, hex: &str) -> Vec<u8> {
    format!(
        "terrain-hub-request-1\n{method}\n{path}\n{}\n{}\n{}\n{}\n{}\n{}\n{hex}",
        s.protocol, s.study, s.node, s.time_ms, s.nonce, s.key
    )
    .into_bytes()
}

pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The headers of a signed request.
pub fn sign(
    key: &SigningKey,
    method: &str,
    path: &str,
    s: &Signed,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let hash = body_hash(body);
    let sig = key.sign(&canonical(method, path, s, &hash));
    vec![
        (H_PROTOCOL, s.protocol.to_string()),
        (H_STUDY, s.study.clone()),
        (H_NODE, s.node.clone()),
        (H_TIME, s.time_ms.to_string()),
        (H_NONCE, s.nonce.clone()),
        (H_KEY, s.key.clone()),
        (H_SIGNATURE, B64.encode(sig.to_bytes())),
        (H_BODY_HASH, hash),
    ]
}

pub fn encode_key(key: &VerifyingKey) -> String {
    B64.encode(key.to_bytes())
}

pub fn decode_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Reads the protocol version alone: it is checked before anything else, so a newer client
/// gets a clear answer even if the rest of its request changed shape.
pub fn check_protocol(get: &impl Fn(&str) -> Option<String>) -> Result<u32, Refusal> {
    let Some(text) = get(H_PROTOCOL) else {
        return Err(Refusal::new(
            400,
            "protocol_missing",
            "La requête n'indique pas la version du protocole de synchronisation.",
            "The request does not say which sync protocol version it speaks.",
        ));
    };
    let v: u32 = text.trim().parse().map_err(|_| {
        Refusal::bad_request(
            format!("Version de protocole illisible : {text}"),
            format!("Unreadable protocol version: {text}"),
        )
    })?;
    if v > PROTOCOL_VERSION {
        return Err(Refusal::new(
            426,
            "protocol_too_new",
            format!("Ce hub parle la version {PROTOCOL_VERSION} du protocole de synchronisation, cet ordinateur la version {v} : mettez Terrain à jour sur le hub."),
            format!("This hub speaks sync protocol version {PROTOCOL_VERSION}, this laptop version {v}: update Terrain on the hub."),
        ));
    }
    if v < MIN_PROTOCOL {
        return Err(Refusal::new(
            426,
            "protocol_too_old",
            format!("Cet ordinateur parle la version {v} du protocole de synchronisation, le hub demande au moins la version {MIN_PROTOCOL} : mettez Terrain à jour."),
            format!("This laptop speaks sync protocol version {v}, the hub needs at least {MIN_PROTOCOL}: update Terrain."),
        ));
    }
    Ok(v)
}

/// Reads the signed headers (not yet verified).
pub fn read_signed(get: &impl Fn(&str) -> Option<String>) -> Result<Signed, Refusal> {
    let protocol = check_protocol(get)?;
    let missing = |h: &str| {
        Refusal::new(
            401,
            "unsigned",
            format!("Requête non signée (en-tête {h} absent)."),
            format!("Unsigned request (header {h} missing)."),
        )
    };
    let field = |h: &'static str| get(h).filter(|v| !v.is_empty()).ok_or_else(|| missing(h));
    let time_text = field(H_TIME)?;
    let time_ms = time_text.parse().map_err(|_| missing(H_TIME))?;
    let nonce = field(H_NONCE)?;
    if nonce.len() < 16 || nonce.len() > 64 {
        return Err(Refusal::bad_request(
            "Nonce de requête invalide.",
            "Invalid request nonce.",
        ));
    }
    let study = field(H_STUDY)?;
    let node = field(H_NODE)?;
    let key = field(H_KEY)?;
    if key.len() != 16 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::bad_request(
            "Empreinte de clé d'étude invalide dans la requête.",
            "Invalid study key fingerprint in the request.",
        ));
    }
    // Ids are UUIDs: anything else is refused before it reaches a cache, a log or the store.
    for (what, id) in [("study", &study), ("node", &node)] {
        if uuid::Uuid::try_parse(id).is_err() {
            return Err(Refusal::new(
                400,
                "bad_id",
                format!("Identifiant ({what}) invalide dans la requête."),
                format!("Invalid {what} id in the request."),
            ));
        }
    }
    Ok(Signed {
        protocol,
        study,
        node,
        time_ms,
        nonce,
        key: key.to_ascii_lowercase(),
    })
}

/// The body hash the request declares (64 hex digits), checked by the signature.
pub fn read_body_hash(get: &impl Fn(&str) -> Option<String>) -> Result<String, Refusal> {
    let hash = get(H_BODY_HASH).unwrap_or_default();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::new(
            401,
            "unsigned",
            format!("Requête non signée (en-tête {H_BODY_HASH} absent ou illisible)."),
            format!("Unsigned request (header {H_BODY_HASH} missing or unreadable)."),
        ));
    }
    Ok(hash.to_ascii_lowercase())
}

pub fn tampered() -> Refusal {
    Refusal::new(
        401,
        "bad_signature",
        "La signature de la requête est invalide : requête modifiée ou appareil inconnu.",
        "The request signature is invalid: the request was altered or the device is unknown.",
    )
}

/// Checks the signature with the device's key, over the body itself.
pub fn verify(
    key: &VerifyingKey,
    method: &str,
    path: &str,
    s: &Signed,
    body: &[u8],
    signature: Option<String>,
) -> Result<(), Refusal> {
    verify_declared(key, method, path, s, &body_hash(body), signature)
}

/// Checks the signature with the device's key, over the body hash the request declares
/// (before the body is read; the hub then checks the body against it).
pub fn verify_declared(
    key: &VerifyingKey,
    method: &str,
    path: &str,
    s: &Signed,
    hash: &str,
    signature: Option<String>,
) -> Result<(), Refusal> {
    let sig = signature
        .and_then(|t| B64.decode(t.trim()).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(tampered)?;
    key.verify(&canonical(method, path, s, hash), &sig)
        .map_err(|_| tampered())
}

/// Remembers the nonces of accepted requests for as long as their time is acceptable, so a
/// captured request replayed within that window is refused. Bounded: the oldest go first,
/// and requests are only ever accepted within the window anyway.
pub struct Freshness {
    started_ms: i64,
    seen: HashMap<String, i64>,
    order: VecDeque<(i64, String)>,
}

const MAX_REMEMBERED: usize = 1_000_000;

impl Freshness {
    pub fn new(now_ms: i64) -> Freshness {
        Freshness {
            started_ms: now_ms,
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Refuses a request whose time is too far from the hub's clock, or before it started.
    pub fn check_time(&self, s: &Signed, now_ms: i64) -> Result<(), Refusal> {
        // abs_diff: a signed time near i64::MIN or MAX must not overflow (the fuzz target
        // hub_request crashed on it).
        if s.time_ms.abs_diff(now_ms) > MAX_SKEW_MS.unsigned_abs() {
            return Err(Refusal::new(
                401,
                "stale_request",
                "Requête périmée : son heure est trop éloignée de celle du hub.",
                "Stale request: its time is too far from the hub's clock.",
            ));
        }
        if s.time_ms < self.started_ms - 1_000 {
            return Err(Refusal::new(
                401,
                "stale_request",
                "Requête signée avant le démarrage du hub : elle est refusée, réessayez.",
                "Request signed before the hub started: refused, try again.",
            ));
        }
        Ok(())
    }

    /// Accepts a request's time and nonce once; refuses stale, future and replayed ones.
    pub fn check(&mut self, s: &Signed, now_ms: i64) -> Result<(), Refusal> {
        self.check_time(s, now_ms)?;
        while let Some((t, _)) = self.order.front() {
            if *t < now_ms - 2 * MAX_SKEW_MS || self.order.len() >= MAX_REMEMBERED {
                if let Some((_, n)) = self.order.pop_front() {
                    self.seen.remove(&n);
                }
            } else {
                break;
            }
        }
        let key = format!("{}/{}", s.node, s.nonce);
        if self.seen.contains_key(&key) {
            return Err(Refusal::new(
                409,
                "replayed",
                "Requête rejouée : ce message a déjà été reçu.",
                "Replayed request: this message was already received.",
            ));
        }
        self.seen.insert(key.clone(), s.time_ms);
        self.order.push_back((now_ms, key));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(time_ms: i64, nonce: &str) -> Signed {
        Signed {
            protocol: PROTOCOL_VERSION,
            study: "s".into(),
            node: "n".into(),
            time_ms,
            nonce: nonce.into(),
            key: "0123456789abcdef".into(),
        }
    }

    #[test]
    fn a_signature_covers_the_body_and_the_path() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let s = signed(1_000, "00112233445566778899");
        let headers = sign(&key, "POST", PATH_PUSH, &s, b"body");
        let sig = headers
            .iter()
            .find(|(h, _)| *h == H_SIGNATURE)
            .map(|(_, v)| v.clone());
        let vk = key.verifying_key();
        assert!(verify(&vk, "POST", PATH_PUSH, &s, b"body", sig.clone()).is_ok());
        assert!(verify(&vk, "POST", PATH_PUSH, &s, b"bodY", sig.clone()).is_err());
        assert!(verify(&vk, "POST", PATH_PULL, &s, b"body", sig.clone()).is_err());
        let other = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        assert!(verify(&other, "POST", PATH_PUSH, &s, b"body", sig).is_err());
    }

    #[test]
    fn replayed_stale_and_early_requests_are_refused() {
        let now = 10_000_000;
        let mut f = Freshness::new(now);
        assert!(f.check(&signed(now, "aaaaaaaaaaaaaaaa"), now).is_ok());
        assert_eq!(
            f.check(&signed(now, "aaaaaaaaaaaaaaaa"), now + 5)
                .expect_err("refused")
                .code,
            "replayed"
        );
        assert_eq!(
            f.check(&signed(now - MAX_SKEW_MS - 1, "bbbbbbbbbbbbbbbb"), now)
                .expect_err("refused")
                .code,
            "stale_request"
        );
        let mut later = Freshness::new(now + 60_000);
        assert_eq!(
            later
                .check(&signed(now, "cccccccccccccccc"), now + 60_000)
                .expect_err("refused")
                .code,
            "stale_request"
        );
    }
}
