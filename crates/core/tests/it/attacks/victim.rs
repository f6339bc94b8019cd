//! The scene of the attacks: a study made on laptop A, joined by the victim B and by a
//! teammate V; B has imported from A once. What the victim holds (its dump and its local sync
//! tables), to compare before and after. Hostile files built from the format's real pieces.

use std::path::{Path, PathBuf};

use base64::Engine;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, BundleWriter, ExportTarget, Header, FORMAT_VERSION, MAGIC};
use terrain_core::sync::{self, StudyKey};
use terrain_core::{store, Entity, Lang, Store};

use crate::support::fields;

pub struct Scene {
    pub dir: TempDir,
    pub a: Store,
    pub b: Store,
    pub v: Store,
    pub study: String,
}

fn session(store: &mut Store, study: &str, title: &str) {
    store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "title": title, "session_type": "workshop", "date": "2026-02-01"})),
        )
        .unwrap();
}

pub fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let b = Store::open_in_dir(&dir.path().join("b")).unwrap();
    let v = Store::open_in_dir(&dir.path().join("v")).unwrap();
    sync::set_device_label(&a, "Portable A").unwrap();
    sync::set_device_label(&v, "Portable V").unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    for i in 0..3 {
        session(&mut a, &study, &format!("A{i}"));
    }
    let invitation = sync::invite(&a, &study, Role::Coordinator).unwrap();
    sync::join_invitation(&b, &invitation).unwrap();
    sync::join_invitation(&v, &invitation).unwrap();
    let mut s = Scene {
        dir,
        a,
        b,
        v,
        study,
    };
    let p = s.path("first.terrain");
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.v, &p, &mut |_| {}).unwrap();
    let study = s.study.clone();
    session(&mut s.v, &study, "V0");
    s
}

impl Scene {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn key(&self) -> StudyKey {
        sync::study_key(self.a.conn(), &self.study)
            .unwrap()
            .unwrap()
    }

    /// The header A would write for a bundle with no batch.
    pub fn header_from_a(&self) -> Header {
        let signer = sync::device_key(&self.a).unwrap();
        Header {
            schema_version: store::schema_version(),
            study: self.study.clone(),
            key_check: sync::key_check(&self.key()),
            key_version: 1,
            sender: self.a.node_id().to_string(),
            sender_label: Some("Portable A".into()),
            sender_public_key: public_key(&signer),
            sender_wall_ms: chrono::Utc::now().timestamp_millis(),
            held: vec![],
            base: vec![],
            batches: 0,
            changes: 0,
            roster: sync::roster_wire(self.a.conn(), &self.study).unwrap(),
        }
    }

    /// A bundle written with the real writer: `header`, these packed batches, sealed with
    /// `key` and signed by `signer`.
    pub fn write(
        &self,
        name: &str,
        mut header: Header,
        packed: Vec<Vec<u8>>,
        key: &StudyKey,
        signer: &SigningKey,
    ) -> PathBuf {
        let path = self.path(name);
        header.batches = packed.len() as u32;
        let mut w = BundleWriter::create(&path, &header, key).unwrap();
        for p in packed {
            w.write_packed(p).unwrap();
        }
        w.finish(signer).unwrap();
        path
    }

    /// A's device key: hostile content from a teammate who holds the study key.
    pub fn signer_a(&self) -> SigningKey {
        sync::device_key(&self.a).unwrap()
    }

    /// Imports `path` into the victim; returns the refusal's code after checking it reads
    /// well in both languages ("ok" if accepted).
    pub fn refusal(&mut self, path: &Path) -> String {
        match bundle::import_bundle(&mut self.b, path, &mut |_| {}) {
            Ok(_) => "ok".into(),
            Err(e) => {
                for lang in [Lang::Fr, Lang::En] {
                    let m = e.message(lang);
                    assert!(!m.is_empty() && !m.contains('\n'), "{m}");
                }
                e.code().to_string()
            }
        }
    }

    /// Everything an attack could change on the victim: its replicated state and its local
    /// sync tables (devices and their keys, what it believes peers hold, bundles imported,
    /// node ids known).
    pub fn victim_state(&self) -> String {
        let conn = self.b.conn();
        let mut out = sync::dump_string(conn, None).unwrap();
        for sql in [
            "SELECT node_id, label, public_key, flagged FROM devices ORDER BY node_id",
            "SELECT peer, scope, node, max_seq FROM peer_vector ORDER BY peer, scope, node",
            "SELECT digest, study, sender FROM imported_bundles ORDER BY digest",
            "SELECT idx, node_id FROM nodes ORDER BY idx",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                let row: Vec<rusqlite::types::Value> = (0..n).map(|i| r.get(i).unwrap()).collect();
                out.push_str(&format!("\n{row:?}"));
            }
        }
        out
    }

    /// After an attack the victim still writes, and still imports a teammate's new bundle.
    pub fn victim_still_works(&mut self) {
        let study = self.study.clone();
        session(&mut self.b, &study, "B after");
        session(&mut self.a, &study, "A after");
        let p = self.path("after.terrain");
        bundle::export_bundle(&self.a, &self.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
        let report = bundle::import_bundle(&mut self.b, &p, &mut |_| {}).unwrap();
        assert!(report.new_records >= 1, "{report:?}");
    }
}

pub fn public_key(signer: &SigningKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(signer.verifying_key().to_bytes())
}

/// A LEB128 varint, as the batch encoding writes counts and lengths.
pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A bundle file laid out byte by byte (format 2, see file.rs), for headers the real writer
/// refuses to write: `json` as the header, tagged and its batches sealed with `key`, signed by
/// `signer`.
pub fn raw_bundle(
    path: &Path,
    json: &[u8],
    packed: &[Vec<u8>],
    key: &StudyKey,
    signer: &SigningKey,
) {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(json);
    let prelude_hash = Sha256::digest(&out);
    let nonce = [3u8; 24];
    let aad = [&b"terrain bundle header v2\0"[..], &prelude_hash[..]].concat();
    let tag = cipher
        .encrypt_in_place_detached(XNonce::from_slice(&nonce), &aad, &mut [])
        .unwrap();
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&tag);
    for (i, p) in packed.iter().enumerate() {
        let nonce = [i as u8; 24];
        let aad = [&prelude_hash[..], &(i as u32).to_le_bytes()[..]].concat();
        let mut sealed = p.clone();
        cipher
            .encrypt_in_place(XNonce::from_slice(&nonce), &aad, &mut sealed)
            .unwrap();
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&(sealed.len() as u32).to_le_bytes());
        out.extend_from_slice(&sealed);
    }
    let digest = Sha256::digest(&out);
    let sig = signer.sign(&[&b"terrain bundle v2\0"[..], &digest[..]].concat());
    out.extend_from_slice(&sig.to_bytes());
    std::fs::write(path, out).unwrap();
}
