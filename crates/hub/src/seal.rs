//! Payload encryption with the study key: XChaCha20-Poly1305, a random 24-byte nonce in
//! front. The associated data binds a payload to its place (study, device, path, direction,
//! request nonce), so a sealed body cannot be replayed on another route or as an answer to
//! another request.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const NONCE_LEN: usize = 24;

/// Which way a payload travels.
#[derive(Debug, Clone, Copy)]
pub enum Way {
    Request,
    Answer,
}

pub struct Context<'a> {
    pub study: &'a str,
    pub node: &'a str,
    pub path: &'a str,
    pub nonce: &'a str,
    pub way: Way,
}

impl Context<'_> {
    fn aad(&self) -> Vec<u8> {
        let way = match self.way {
            Way::Request => "request",
            Way::Answer => "answer",
        };
        format!(
            "terrain-hub-seal-1\n{}\n{}\n{}\n{}\n{way}",
            self.study, self.node, self.path, self.nonce
        )
        .into_bytes()
    }
}

pub fn seal(key: &[u8; 32], ctx: &Context<'_>, plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = ctx.aad();
    // Encryption with a valid key and nonce cannot fail; an empty result would be refused by
    // the other side anyway.
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: &aad,
            },
        )
        .unwrap_or_default();
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Opens a sealed payload; None when it was not sealed with this key for this context.
pub fn open(key: &[u8; 32], ctx: &Context<'_>, sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(key.into());
    let aad = ctx.aad();
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: &aad,
            },
        )
        .ok()
}
