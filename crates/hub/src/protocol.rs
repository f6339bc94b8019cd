//! The wire protocol between a laptop (or a hub relaying) and a hub.
//!
//! Every request under `/api/` carries the protocol version and is signed by the device key
//! (see [`crate::auth`]); every payload, both ways, is sealed with the study key
//! (see [`crate::seal`]). The sealed content is JSON for small messages and the bundle's change
//! batch encoding for changes, so a hub holds and relays exactly what a USB bundle carries.

use serde::{Deserialize, Serialize};
pub use terrain_core::sync::VectorEntry;

/// The protocol this build speaks. A request with a greater number is refused with
/// `protocol_too_new`; one with a smaller number than [`MIN_PROTOCOL`] with `protocol_too_old`.
///
/// Version 2 signs the body's SHA-256 in a header of its own ([`H_BODY_HASH`]), so the hub
/// checks a request's signature before it reads the body. Version 3 carries each change's
/// author signature (segments, in the batch encoding), exchanges the study's roster first
/// (`/api/roster`), names the study key a body is sealed with ([`H_KEY`]), and requires a
/// device's node id to be the one its key gives. Version 4 carries a salt with each change of a
/// participant's personal fields, or the commitment alone once erased (`changes::cover`,
/// bundle format 4): a peer speaking 3 would neither read nor verify them.
pub const PROTOCOL_VERSION: u32 = 4;
pub const MIN_PROTOCOL: u32 = 4;

pub const H_PROTOCOL: &str = "x-terrain-protocol";
pub const H_NODE: &str = "x-terrain-node";
pub const H_STUDY: &str = "x-terrain-study";
pub const H_TIME: &str = "x-terrain-time";
pub const H_NONCE: &str = "x-terrain-nonce";
pub const H_SIGNATURE: &str = "x-terrain-signature";
/// The SHA-256 of the body (hex), covered by the signature.
pub const H_BODY_HASH: &str = "x-terrain-body-sha256";
/// The fingerprint (`key_check`) of the study key the body is sealed with: a hub holding a
/// newer key refuses it (`study_key_replaced`), one that lacks it says so (`study_key_unknown`).
pub const H_KEY: &str = "x-terrain-key";
/// Only on enrolment: the public key the hub does not know yet.
pub const H_PUBLIC_KEY: &str = "x-terrain-public-key";

pub const PATH_HELLO: &str = "/api/hello";
pub const PATH_ENROL: &str = "/api/enrol";
pub const PATH_STATE: &str = "/api/state";
/// Roster exchange, before the state, sealed with any study key both sides hold (not only the
/// newest), so that a re-key reaches a side that lacks the new key.
pub const PATH_ROSTER: &str = "/api/roster";
pub const PATH_PUSH: &str = "/api/push";
pub const PATH_PULL: &str = "/api/pull";

/// Largest request body the hub reads (a push). A batch of [`DEFAULT_BATCH`] changes is a few
/// MB at most.
pub const MAX_BODY: usize = 16 * 1024 * 1024;
/// Largest body of an enrolment, a roster exchange or a state request: a join code, a key, a
/// label, or the study's roster (tens of entries of a few hundred bytes; 1,024 at most).
pub const MAX_SMALL_BODY: usize = 1024 * 1024;
/// Largest body of a pull: its `have` vector, at most [`MAX_HAVE`] entries.
pub const MAX_PULL_BODY: usize = 2 * 1024 * 1024;
/// Entries of a pull's `have` vector: one per (scope, device) of a study, so a few hundred in
/// a large team; more is an attack on the hub's disk.
pub const MAX_HAVE: usize = 10_000;
/// Characters of a device label kept by the hub; a longer one is cut.
pub const MAX_LABEL: usize = 64;
/// Largest answer the client reads.
pub const MAX_ANSWER: u64 = 64 * 1024 * 1024;
/// Changes per batch: bounds memory on both sides whatever the size of the database.
pub const DEFAULT_BATCH: usize = 10_000;
pub const MAX_BATCH: usize = 50_000;

/// How far a request's time may be from the hub's clock. Clients correct their clock by the
/// hub's time from `/api/hello` first, so a laptop whose clock is wrong still gets in.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// `GET /api/hello`: unauthenticated, tells the client what it talks to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub service: String,
    pub protocol: u32,
    pub min_protocol: u32,
    pub hub_node: String,
    /// The hub's wall clock, so the client can sign with a time the hub accepts.
    pub time_ms: i64,
}

/// Sealed body of `POST /api/enrol`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub join_code: String,
    /// The device key as base64 (also in the signed header; both must agree).
    pub public_key: String,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolAnswer {
    pub hub_node: String,
    pub already: bool,
}

/// Sealed body of `POST /api/state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateRequest {
    /// The device's own clock, uncorrected: the hub notes how far off it is.
    pub wall_ms: i64,
    pub label: Option<String>,
}

/// Sealed body and answer of `POST /api/roster`: the study's roster entries as the sender
/// holds them (as bundle headers carry them).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RosterExchange {
    pub roster: Vec<String>,
}

/// Sealed answer of `POST /api/state`: what the hub holds of this study (and of shared
/// records), per scope and origin node.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateAnswer {
    pub hub_node: String,
    pub vector: Vec<VectorEntry>,
}

/// Sealed body of `POST /api/pull`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    pub have: Vec<VectorEntry>,
    pub max_changes: usize,
}

/// Header of a framed batch (a push, or a pull's answer): how many changes, and whether
/// more remain after them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchHeader {
    pub more: bool,
    pub count: u64,
}

/// A sealed message made of a small JSON header and an optional binary part (a change batch):
/// `[u32 LE length of JSON][JSON][binary]`.
pub struct Frame;

impl Frame {
    pub fn encode<T: Serialize>(header: &T, binary: &[u8]) -> Vec<u8> {
        let json = serde_json::to_vec(header).unwrap_or_default();
        let mut out = Vec::with_capacity(4 + json.len() + binary.len());
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        out.extend_from_slice(binary);
        out
    }

    pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<(T, &[u8]), String> {
        let len = bytes
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or("frame too short")?;
        let json = bytes.get(4..4 + len).ok_or("frame header truncated")?;
        let header = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        Ok((header, &bytes[4 + len..]))
    }
}
