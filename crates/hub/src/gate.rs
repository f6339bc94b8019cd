//! Admission of a request, before its body is read and outside the store lock.
//!
//! The headers are checked first, cheapest first: protocol, declared length, signed fields
//! (ids are UUIDs), time window, device (enrolled, not revoked: from an in-memory directory),
//! study, then the signature over the declared body hash, then the nonce. Only then is the
//! body read, under a size limit, a time limit and a cap on bodies read at once; it must have
//! the hash that was signed. A stranger's request never buffers a body and never waits for
//! the store: it costs a header parse and, at most, one signature check.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use terrain_core::store::StoreFile;

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use ed25519_dalek::VerifyingKey;
use rusqlite::Connection;
use tokio::sync::Semaphore;

use crate::auth::{self, Freshness, Signed};
use crate::error::Refusal;
use crate::limits::{body_limit, Limits};
use crate::protocol::*;
use crate::registry;
use crate::seal::{self, Context, Way};
use terrain_core::error::SyncError;
use terrain_core::sync;

/// A request whose headers passed: who signed it, for which study, and the hash its body
/// must have.
pub(crate) struct Admitted {
    pub signed: Signed,
    pub device_key: VerifyingKey,
    pub study_key: [u8; 32],
    pub path: &'static str,
    hash: String,
}

/// An admitted request whose body was read, matched its signed hash and opened.
pub(crate) struct Authentic {
    pub signed: Signed,
    pub device_key: VerifyingKey,
    pub key: [u8; 32],
    pub plain: Vec<u8>,
    pub path: &'static str,
}

impl Authentic {
    /// Seals an answer to this request.
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let ctx = Context {
            study: &self.signed.study,
            node: &self.signed.node,
            path: self.path,
            nonce: &self.signed.nonce,
            way: Way::Answer,
        };
        seal::seal(&self.key, &ctx, plain)
    }
}

/// A device as the directory knows it.
#[derive(Clone)]
enum Entry {
    Active(VerifyingKey),
    Revoked(VerifyingKey),
}

/// The enrolled devices' keys and revocations, and the study keys asked for, read from the
/// store by a connection of its own (not the store lock). Reloaded whenever the database
/// changed (SQLite's `data_version`): a revocation made by `terrain device revoke` or by
/// the app counts at the next request.
struct Directory {
    conn: Connection,
    version: Option<i64>,
    devices: HashMap<String, Entry>,
    /// Each study's keys, newest first, as asked for (a new key changes the store's version,
    /// which empties this).
    study_keys: HashMap<String, Vec<(u32, [u8; 32])>>,
}

impl Directory {
    fn open(db: &StoreFile) -> terrain_core::Result<Directory> {
        let conn = db.open_read_only()?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Directory {
            conn,
            version: None,
            devices: HashMap::new(),
            study_keys: HashMap::new(),
        })
    }

    fn refresh(&mut self) -> terrain_core::Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.version == Some(version) {
            return Ok(());
        }
        let mut devices = HashMap::new();
        for d in registry::list(&self.conn)? {
            let Some(key) = auth::decode_key(&d.public_key) else {
                continue;
            };
            let entry = if d.revoked {
                Entry::Revoked(key)
            } else {
                Entry::Active(key)
            };
            devices.insert(d.node_id, entry);
        }
        self.devices = devices;
        self.study_keys.clear();
        self.version = Some(version);
        Ok(())
    }

    /// The study key a request is sealed with, named by its fingerprint: the newest this hub
    /// holds, or an older one refused (the revoked laptop still holds it). The roster exchange
    /// may be sealed with any key both sides hold, so that a re-key reaches whichever lacks it.
    fn study_key(&mut self, study: &str, check: &str, path: &str) -> Result<[u8; 32], Refusal> {
        if !self.study_keys.contains_key(study) {
            let keys = sync::study_keys(&self.conn, study).map_err(Refusal::internal)?;
            self.study_keys.insert(study.to_string(), keys);
        }
        let keys = &self.study_keys[study];
        let (newest, _) = *keys.first().ok_or_else(|| unknown_study(study))?;
        match keys.iter().find(|(_, key)| sync::key_check(key) == check) {
            Some((version, key)) if *version >= newest || path == PATH_ROSTER => Ok(*key),
            Some((version, _)) => Err(Refusal::from_sync(
                409,
                SyncError::KeyReplaced {
                    found: *version,
                    held: newest,
                },
            )),
            None => Err(Refusal::new(
                409,
                "study_key_unknown",
                format!("Cette requête est chiffrée avec une clé de l'étude {study} que ce hub n'a pas reçue (il en est à la version {newest}) : le hub doit être membre de l'étude pour recevoir une nouvelle clé."),
                format!("This request is encrypted with a key of study {study} this hub was not handed (it is at version {newest}): the hub must be a member of the study to receive a new key."),
            )),
        }
    }
}

pub(crate) struct Gate {
    pub limits: Limits,
    directory: Mutex<Directory>,
    fresh: Mutex<Freshness>,
    body_reads: Arc<Semaphore>,
}

fn header_reader(headers: &HeaderMap) -> impl Fn(&str) -> Option<String> + '_ {
    move |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

pub(crate) fn unknown_study(study: &str) -> Refusal {
    Refusal::new(
        404,
        "unknown_study",
        format!("Ce hub ne connaît pas l'étude {study} : rejoignez-la d'abord sur le hub (`terrain study join`)."),
        format!("This hub does not hold study {study}: join it on the hub first (`terrain study join`)."),
    )
}

pub(crate) fn bad_payload() -> Refusal {
    Refusal::new(
        400,
        "bad_payload",
        "Le contenu de la requête ne peut pas être ouvert avec la clé de l'étude (clé différente ou contenu modifié).",
        "The request content cannot be opened with the study key (another key, or altered content).",
    )
}

pub(crate) fn key_mismatch() -> Refusal {
    Refusal::new(
        409,
        "key_mismatch",
        "Un autre appareil est déjà inscrit sous cet identifiant.",
        "Another device is already enrolled under this node id.",
    )
}

fn too_large(limit: usize) -> Refusal {
    Refusal::new(
        413,
        "too_large",
        format!("Requête trop volumineuse (au plus {limit} octets ici)."),
        format!("Request too large (at most {limit} bytes here)."),
    )
}

/// The declared body length, which must be there and within the route's limit: a body is
/// never read past it (hyper holds the sender to it).
fn check_length(headers: &HeaderMap, path: &str) -> Result<(), Refusal> {
    let limit = body_limit(path);
    let length = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        None => Err(Refusal::new(
            411,
            "length_required",
            "La requête n'indique pas la taille de son contenu.",
            "The request does not give the length of its content.",
        )),
        Some(n) if n > limit as u64 => Err(too_large(limit)),
        Some(_) => Ok(()),
    }
}

impl Gate {
    pub fn open(db: &StoreFile, limits: Limits, started_ms: i64) -> terrain_core::Result<Gate> {
        let mut directory = Directory::open(db)?;
        directory.refresh()?;
        Ok(Gate {
            body_reads: Arc::new(Semaphore::new(limits.max_body_reads.max(1))),
            limits,
            directory: Mutex::new(directory),
            fresh: Mutex::new(Freshness::new(started_ms)),
        })
    }

    fn directory(&self) -> Result<MutexGuard<'_, Directory>, Refusal> {
        let mut dir = self
            .directory
            .lock()
            .map_err(|_| Refusal::internal("directory lock"))?;
        dir.refresh().map_err(Refusal::internal)?;
        Ok(dir)
    }

    /// The headers' checks, in order (see the module's comment).
    pub fn admit(
        &self,
        headers: &HeaderMap,
        path: &'static str,
        now_ms: i64,
    ) -> Result<Admitted, Refusal> {
        let get = header_reader(headers);
        auth::check_protocol(&get)?;
        check_length(headers, path)?;
        let signed = auth::read_signed(&get)?;
        self.fresh
            .lock()
            .map_err(|_| Refusal::internal("lock"))?
            .check_time(&signed, now_ms)?;
        let hash = auth::read_body_hash(&get)?;
        let (device_key, study_key) = {
            let mut dir = self.directory()?;
            let known = dir.devices.get(&signed.node).cloned();
            let device_key = if path == PATH_ENROL {
                let presented = get(H_PUBLIC_KEY)
                    .and_then(|k| auth::decode_key(&k))
                    .ok_or_else(|| {
                        Refusal::bad_request(
                            "Clé publique de l'appareil absente ou illisible.",
                            "Missing or unreadable device public key.",
                        )
                    })?;
                match known {
                    Some(Entry::Active(k)) if k != presented => return Err(key_mismatch()),
                    Some(Entry::Revoked(k)) if k == presented => {
                        return Err(registry::revoked_refusal())
                    }
                    _ => presented,
                }
            } else {
                match known {
                    Some(Entry::Active(k)) => k,
                    // Revoked is the revoked key's answer. Another key under that node id is
                    // a device the hub does not know yet: it may enrol (see registry::enrol).
                    Some(Entry::Revoked(k)) => {
                        let signature = get(H_SIGNATURE);
                        return Err(
                            match auth::verify_declared(&k, "POST", path, &signed, &hash, signature)
                            {
                                Ok(()) => registry::revoked_refusal(),
                                Err(_) => registry::not_enrolled_refusal(),
                            },
                        );
                    }
                    None => return Err(registry::not_enrolled_refusal()),
                }
            };
            // Told only once the signature holds: a stranger learns nothing of the keys.
            let study_key = dir.study_key(&signed.study, &signed.key, path);
            (device_key, study_key)
        };
        auth::verify_declared(&device_key, "POST", path, &signed, &hash, get(H_SIGNATURE))?;
        let study_key = study_key?;
        self.fresh
            .lock()
            .map_err(|_| Refusal::internal("lock"))?
            .check(&signed, now_ms)?;
        Ok(Admitted {
            signed,
            device_key,
            study_key,
            path,
            hash,
        })
    }

    /// Reads an admitted request's body (its turn among [`Limits::max_body_reads`], then its
    /// bytes, within [`Limits::body_timeout`]), checks it has the signed hash and opens it.
    pub async fn read(&self, admitted: Admitted, body: Body) -> Result<Authentic, Refusal> {
        let limit = body_limit(admitted.path);
        let reads = self.body_reads.clone();
        let read = async move {
            let _turn = reads
                .acquire_owned()
                .await
                .map_err(|_| Refusal::internal("body reads closed"))?;
            axum::body::to_bytes(body, limit).await.map_err(|e| {
                Refusal::new(
                    400,
                    "bad_body",
                    format!("Contenu de la requête interrompu ou trop long : {e}"),
                    format!("Request content cut short or too long: {e}"),
                )
            })
        };
        let bytes: Bytes = tokio::time::timeout(self.limits.body_timeout, read)
            .await
            .map_err(|_| {
                Refusal::new(
                    408,
                    "body_timeout",
                    "Le contenu de la requête est arrivé trop lentement.",
                    "The request content came too slowly.",
                )
            })??;
        if auth::body_hash(&bytes) != admitted.hash {
            return Err(auth::tampered());
        }
        let signed = admitted.signed;
        let ctx = Context {
            study: &signed.study,
            node: &signed.node,
            path: admitted.path,
            nonce: &signed.nonce,
            way: Way::Request,
        };
        let plain = seal::open(&admitted.study_key, &ctx, &bytes).ok_or_else(bad_payload)?;
        Ok(Authentic {
            signed,
            device_key: admitted.device_key,
            key: admitted.study_key,
            plain,
            path: admitted.path,
        })
    }

    /// The enrolled devices, for the operator's view of the status page.
    pub fn devices(&self) -> Vec<registry::Device> {
        self.directory
            .lock()
            .ok()
            .and_then(|dir| registry::list(&dir.conn).ok())
            .unwrap_or_default()
    }

    /// (active, revoked) devices and joined studies, for the public status page.
    pub fn counts(&self) -> (usize, usize, usize) {
        let Ok(dir) = self.directory() else {
            return (0, 0, 0);
        };
        let revoked = dir
            .devices
            .values()
            .filter(|e| matches!(e, Entry::Revoked(_)))
            .count();
        let studies = terrain_core::sync::joined_studies(&dir.conn)
            .map(|s| s.len())
            .unwrap_or(0);
        (dir.devices.len() - revoked, revoked, studies)
    }
}
