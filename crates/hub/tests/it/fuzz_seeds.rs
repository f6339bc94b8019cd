//! Writes the fuzzer's seed corpus (fuzz/corpus/): real bundles, real batch plaintexts and real
//! hub requests, made by the same code the app runs, with the fixed study key of
//! `terrain_fuzz::STUDY_KEY` (fuzz/src/lib.rs) so the fuzzer gets past decryption. Ignored in
//! normal runs; after a format change run
//! `cargo nextest run -p terrain-hub --run-ignored only -E 'test(write_the_fuzz_seed_corpus)'`
//! and commit the files. It replaces corpus/<target>/ (crashes/ is never touched). Files stay
//! small: a few records each. Ids, keys and nonces are new at each run.

use std::fs;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{Change, Cover, Stamp};
use terrain_core::sync;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{Entity, Fields, Store};
use terrain_hub::auth::{self, Signed};
use terrain_hub::fuzzing::NOW_MS;
use terrain_hub::protocol::*;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// `terrain_fuzz::STUDY_KEY`.
const STUDY_KEY: [u8; 32] = *b"terrain-fuzz-fixed-study-key-32b";

#[test]
#[ignore = "writes fuzz/corpus: run by hand after a format change"]
fn write_the_fuzz_seed_corpus() {
    write_corpus().expect("corpus written");
}

fn write_corpus() -> Res<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let tmp = tempfile::tempdir()?;
    let (store, study) = team_laptop(tmp.path())?;
    let changes = sync::all_changes(store.conn())?;
    sync::seal_own(&store)?;
    let (signed, _) = sync::next_batch(
        store.conn(),
        &study,
        &sync::Vector::new(),
        usize::MAX,
        usize::MAX,
    )?;
    let unsigned = |changes: &[terrain_core::changes::Change]| sync::ChangeBatch {
        changes: changes.to_vec(),
        segments: Vec::new(),
    };

    let dir = fresh(&root.join("bundle"))?;
    for (name, batch) in [
        ("one_batch", 1000),
        ("batches_of_5", 5),
        ("batches_of_1", 1),
    ] {
        let path = dir.join(format!("{name}.terrain"));
        bundle::export_bundle_with(
            &store,
            &study,
            &ExportTarget::Full,
            &path,
            batch,
            &mut |_| {},
        )?;
    }
    let empty = tmp.path().join("empty");
    let (other, other_study) = team_laptop_without_records(&empty)?;
    let path = dir.join("no_batch.terrain");
    bundle::export_bundle(
        &other,
        &other_study,
        &ExportTarget::Full,
        &path,
        &mut |_| {},
    )?;

    let dir = fresh(&root.join("batch"))?;
    fs::write(dir.join("all.bin"), bundle::encode_batch(&signed))?;
    fs::write(
        dir.join("first_3.bin"),
        bundle::encode_batch(&unsigned(&changes[..3])),
    )?;
    fs::write(dir.join("empty.bin"), bundle::encode_batch(&unsigned(&[])))?;
    fs::write(
        dir.join("every_value.bin"),
        bundle::encode_batch(&unsigned(&every_value())),
    )?;

    let dir = fresh(&root.join("hub_request"))?;
    let device = SigningKey::from_bytes(&[7u8; 32]);
    let have = sync::held_vector(store.conn(), &study)?.to_wire();
    let enrol = EnrolRequest {
        join_code: "ABCD-1234".into(),
        public_key: auth::encode_key(&device.verifying_key()),
        label: Some("Ordinateur de Aminata".into()),
    };
    let state = StateRequest {
        wall_ms: NOW_MS + 1234,
        label: Some("Kayes 2".into()),
    };
    let pull = PullRequest {
        have,
        max_changes: DEFAULT_BATCH,
    };
    let more = BatchHeader {
        more: false,
        count: signed.changes.len() as u64,
    };
    let requests: [(&str, &str, Vec<u8>); 6] = [
        ("enrol", PATH_ENROL, serde_json::to_vec(&enrol)?),
        ("state", PATH_STATE, serde_json::to_vec(&state)?),
        (
            "roster",
            PATH_ROSTER,
            serde_json::to_vec(&RosterExchange {
                roster: terrain_core::sync::roster_wire(store.conn(), &study)?,
            })?,
        ),
        ("pull", PATH_PULL, serde_json::to_vec(&pull)?),
        (
            "push",
            PATH_PUSH,
            Frame::encode(&more, &bundle::pack(&signed)?),
        ),
        ("push_empty", PATH_PUSH, Frame::encode(&more, &[])),
    ];
    for (name, path, body) in requests {
        let signed = Signed {
            protocol: PROTOCOL_VERSION,
            study: study.clone(),
            node: store.node_id().to_string(),
            time_ms: NOW_MS,
            nonce: "00112233445566778899aabbccddeeff".into(),
            key: terrain_core::sync::key_check(&STUDY_KEY),
        };
        let mut text = format!("{path}\n");
        for (h, v) in auth::sign(&device, "POST", path, &signed, &body) {
            text.push_str(&format!("{h}: {v}\n"));
        }
        text.push_str(&format!(
            "{H_PUBLIC_KEY}: {}\n\n",
            auth::encode_key(&device.verifying_key())
        ));
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&body);
        fs::write(dir.join(format!("{name}.req")), bytes)?;
    }
    Ok(())
}

/// An empty folder for one target's corpus.
fn fresh(dir: &Path) -> Res<PathBuf> {
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    fs::create_dir_all(dir)?;
    Ok(dir.to_path_buf())
}

fn fields(v: serde_json::Value) -> Res<Fields> {
    Ok(serde_json::from_value(v)?)
}

/// A study joined with the fixed key (the way a team laptop gets a key: a join file).
fn team_laptop_without_records(dir: &Path) -> Res<(Store, String)> {
    let mut store = Store::open_in_dir(dir)?;
    let study = store.create(Entity::Study, &fields(json!({"title": "Ségou 1325"}))?)?;
    // The fuzz targets read with a fixed study key: give the study that one (the founder's
    // laptop would draw it at random).
    store.conn().execute(
        "INSERT INTO study_key_versions(study, version, key, created_at) VALUES (?1, 1, ?2, 0)",
        (&study, &STUDY_KEY[..]),
    )?;
    Ok((store, study))
}

/// A few sessions and participants, one edited (a change with a previous stamp) and one
/// deleted: every kind of change a bundle carries, in a few KB.
fn team_laptop(dir: &Path) -> Res<(Store, String)> {
    let (mut store, study) = team_laptop_without_records(dir)?;
    let mut sessions = Vec::new();
    for (i, kind) in ["workshop", "focus_group", "key_informant_interview"]
        .iter()
        .enumerate()
    {
        let id = store.create(
            Entity::Session,
            &fields(json!({
                "study_id": study,
                "session_type": kind,
                "date": format!("2026-02-0{}", i + 1),
                "title": format!("Séance {} à Niono", i + 1),
                "duration_minutes": 90 + i,
            }))?,
        )?;
        sessions.push(id);
    }
    for (i, sex) in ["female", "male"].iter().enumerate() {
        store.create(
            Entity::Participant,
            &fields(json!({
                "session_id": sessions[0],
                "code": format!("P-{i}"),
                "sex": sex,
                "age": 30 + i,
            }))?,
        )?;
    }
    store.update(
        Entity::Session,
        &sessions[1],
        &fields(json!({"title": "Séance reportée", "duration_minutes": 45}))?,
    )?;
    store.delete(Entity::Session, &sessions[2])?;
    Ok((store, study))
}

/// Changes with every value tag and row form the codec knows, which the schema's fields alone
/// do not produce (a real number, a blob, a row id that is not a UUID).
fn every_value() -> Vec<Change> {
    let node = "0190a0b0-0000-7000-8000-000000000001".to_string();
    let row = "0190a0b0-0000-7000-8000-0000000000aa".to_string();
    let change = |seq: i64, row_id: &str, value: SqlValue, prev: Option<Stamp>| Change {
        node: node.clone(),
        seq,
        study: if seq % 2 == 0 { None } else { Some("s".into()) },
        entity: Entity::Session,
        row_id: row_id.into(),
        field: "title".into(),
        value,
        hlc: 1_000_000 + seq * 7,
        prev,
        cover: Cover::Value,
    };
    let prev = Stamp {
        hlc: 999_000,
        node: "other".into(),
    };
    vec![
        change(1, &row, SqlValue::Text("é".into()), None),
        change(2, &row, SqlValue::Integer(-5), Some(prev)),
        change(3, "not-a-uuid", SqlValue::Null, None),
        change(4, "not-a-uuid", SqlValue::Real(1.5), None),
        change(5, &row, SqlValue::Blob(vec![1, 2, 3]), None),
        // A personal field salted, then erased (bundle format 4).
        Change {
            entity: Entity::Participant,
            field: "name".into(),
            cover: Cover::Salted([7; 16]),
            ..change(6, &row, SqlValue::Text("Awa".into()), None)
        },
        Change {
            entity: Entity::Participant,
            field: "phone".into(),
            cover: Cover::Erased([9; 32]),
            ..change(7, &row, SqlValue::Null, None)
        },
    ]
}
