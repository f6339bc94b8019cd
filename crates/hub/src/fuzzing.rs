//! One entry point for the fuzzer (`fuzz/`, target `hub_request`): what the server does with a
//! request's headers and body before it touches the store, in the server's order (see
//! `server::authenticate` and the handlers). Only built with the `fuzzing` feature.
//!
//! The input is a request written as text, then its body:
//!
//! ```text
//! /api/push
//! x-terrain-protocol: 1
//! x-terrain-study: …
//! (more headers)
//!
//! body: the payload as the study key opened it
//! ```
//! A fuzzer cannot forge a signature or a sealed payload, so the signature is read and checked
//! and the request goes on whatever the answer, and the body is the payload already opened:
//! what follows the opening (JSON, frames, change batches) is where hostile bytes matter.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use terrain_core::sync::{bundle, Vector};

use crate::auth::{self, Freshness};
use crate::error::Refusal;
use crate::protocol::*;

/// The hub's clock during a fuzzed request (a fixed time keeps runs reproducible).
pub const NOW_MS: i64 = 1_780_000_000_000;

/// Reads one request as the server would, up to the store. Refusals are the expected outcome
/// of most inputs; a panic is a bug.
pub fn request(input: &[u8]) -> Result<(), Refusal> {
    let (head, plain) = split_at_blank_line(input);
    let mut lines = head.split(|b| *b == b'\n');
    let path = route(lines.next().unwrap_or_default())?;
    let headers = header_map(lines);
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let signed = auth::read_signed(&get)?;
    let presented = get(H_PUBLIC_KEY).and_then(|k| auth::decode_key(&k));
    if let Some(key) = presented {
        let _ = auth::verify(&key, "POST", path, &signed, plain, get(H_SIGNATURE));
    }
    let _ = Freshness::new(NOW_MS).check(&signed, NOW_MS);
    match path {
        PATH_ENROL => {
            let msg: EnrolRequest = json(plain)?;
            let _ = auth::decode_key(&msg.public_key);
        }
        PATH_STATE => {
            let _: StateRequest = json(plain)?;
        }
        PATH_ROSTER => {
            // Each entry is read and its signature checked.
            let ask: RosterExchange = json(plain)?;
            for entry in terrain_core::sync::roster_from_wire(&ask.roster)? {
                let _ = terrain_core::changes::Entry::open(&entry);
            }
        }
        PATH_PULL => {
            let ask: PullRequest = json(plain)?;
            let _ = Vector::from_wire(&ask.have);
        }
        _ => {
            let (_, batch): (BatchHeader, &[u8]) =
                Frame::decode(plain).map_err(|e| Refusal::bad_request(e.clone(), e))?;
            if !batch.is_empty() {
                bundle::unpack(batch)?;
            }
        }
    }
    Ok(())
}

fn split_at_blank_line(input: &[u8]) -> (&[u8], &[u8]) {
    match input.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&input[..i], &input[i + 2..]),
        None => (input, &[]),
    }
}

fn route(line: &[u8]) -> Result<&'static str, Refusal> {
    [PATH_ENROL, PATH_ROSTER, PATH_STATE, PATH_PUSH, PATH_PULL]
        .into_iter()
        .find(|p| p.as_bytes() == line)
        .ok_or_else(|| Refusal::new(404, "not_found", "Route inconnue.", "Unknown route."))
}

/// Headers as HTTP carries them: a line that is not a valid header is dropped (hyper would
/// refuse the whole request).
fn header_map<'a>(lines: impl Iterator<Item = &'a [u8]>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            map.append(name, value);
        }
    }
    map
}

fn json<T: serde::de::DeserializeOwned>(plain: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(plain).map_err(|e| Refusal::bad_request(e.to_string(), e.to_string()))
}
