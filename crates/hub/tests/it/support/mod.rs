//! Shared pieces of the hub tests: stores in a temp dir, a study shared by join text, hubs
//! on 127.0.0.1 with a random port, syncs with a time limit.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::json;
use terrain_core::{sync, Entity, Store};
use terrain_hub::{HubError, LocalHub, SyncOptions, SyncSummary};

pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.db"))
    }

    pub fn store(&self, name: &str) -> Store {
        Store::open(&self.path(name)).expect("open store")
    }
}

pub fn fields(pairs: &[(&str, serde_json::Value)]) -> terrain_core::Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Creates a study on `owner` and returns its id and join text.
pub fn new_study(owner: &mut Store, title: &str) -> (String, String) {
    let id = owner
        .create(Entity::Study, &fields(&[("title", json!(title))]))
        .expect("study");
    sync::ensure_study_key(owner, &id).expect("key");
    let invite = sync::invite(owner, &id).expect("invite");
    (id, invite)
}

pub fn join(store: &Store, invite: &str) {
    sync::join(store, invite).expect("join");
}

pub fn new_session(store: &mut Store, study: &str, title: &str) -> String {
    store
        .create(
            Entity::Session,
            &fields(&[
                ("study_id", json!(study)),
                ("title", json!(title)),
                ("session_type", json!("focus_group")),
                ("date", json!("2026-02-03")),
            ]),
        )
        .expect("session")
}

pub fn start_hub(db: &Path) -> LocalHub {
    LocalHub::start(db, "127.0.0.1:0").expect("hub starts")
}

pub fn opts(join_code: Option<&str>) -> SyncOptions {
    SyncOptions {
        join_code: join_code.map(str::to_string),
        timeout: Duration::from_secs(60),
        ..SyncOptions::default()
    }
}

pub fn sync(
    store: &mut Store,
    url: &str,
    join_code: Option<&str>,
) -> Result<SyncSummary, HubError> {
    let cancel = AtomicBool::new(false);
    terrain_hub::sync(store, url, &opts(join_code), &mut |_| {}, &cancel)
}

pub fn dump(store: &Store) -> String {
    terrain_core::sync::dump_string(store.conn(), None).expect("dump")
}

pub fn change_ids(store: &Store) -> Vec<(String, i64)> {
    terrain_core::sync::all_changes(store.conn())
        .expect("changes")
        .into_iter()
        .map(|c| (c.node, c.seq))
        .collect()
}
