//! A laptop's sync with a hub as a person starts it (the desktop app's "Sync now"): the
//! address as typed, every study this laptop joined, its name on the hub's list of devices,
//! and the address kept for next time.

use std::sync::atomic::AtomicBool;

use terrain_core::sync::{device_name, remember_hub_url};
use terrain_core::Store;

use crate::client::{sync, Progress, SyncOptions, SyncSummary};
use crate::engine;
use crate::error::{HubError, Result};

/// "192.168.1.20:7878" → "http://192.168.1.20:7878"; None for an empty or unusable address.
pub fn normalise_url(url: &str) -> Option<String> {
    let u = url.trim().trim_end_matches('/');
    if u.is_empty() || u.contains(char::is_whitespace) {
        return None;
    }
    if u.starts_with("http://") || u.starts_with("https://") {
        Some(u.to_string())
    } else if u.contains("://") {
        None
    } else {
        Some(format!("http://{u}"))
    }
}

/// Syncs every study this laptop joined with the hub at `url`, both ways. The join code is
/// needed on this laptop's first sync with that hub.
pub fn sync_joined(
    store: &mut Store,
    url: &str,
    join_code: Option<&str>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<SyncSummary> {
    let url = normalise_url(url).ok_or(HubError::BadUrl)?;
    if engine::studies(store)?.is_empty() {
        return Err(HubError::NoJoinedStudy);
    }
    let opts = SyncOptions {
        join_code: join_code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        label: device_name(store),
        ..SyncOptions::default()
    };
    let summary = sync(store, &url, &opts, progress, cancel)?;
    remember_hub_url(store, &url);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;
    use crate::server::LocalHub;
    use serde_json::json;
    use std::path::Path;
    use terrain_core::{Entity, Fields};

    fn fields(v: serde_json::Value) -> Fields {
        serde_json::from_value(v).expect("fields")
    }

    fn store(dir: &Path, name: &str) -> Store {
        Store::open_in_dir(&dir.join(name)).expect("open")
    }

    /// A study titled `title` with one session and two participants.
    fn study(s: &mut Store, title: &str) -> String {
        let study = s
            .create(Entity::Study, &fields(json!({ "title": title })))
            .expect("study");
        let session = s
            .create(
                Entity::Session,
                &fields(
                    json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-02"}),
                ),
            )
            .expect("session");
        for sex in ["female", "male"] {
            s.create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": sex, "age": 30})),
            )
            .expect("participant");
        }
        study
    }

    fn join(from: &Store, to: &Store, study: &str) {
        let text = terrain_core::sync::invite(from, study).expect("invite");
        terrain_core::sync::join(to, &text).expect("join");
    }

    #[test]
    fn a_laptop_syncs_its_joined_studies_with_a_shared_laptop_and_can_be_revoked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut a = store(dir.path(), "a");
        let segou = study(&mut a, "Études à Ségou");
        let mut b = store(dir.path(), "b");
        let nothing_yet = sync_joined(
            &mut b,
            "127.0.0.1:9",
            None,
            &mut |_| {},
            &AtomicBool::new(false),
        );
        assert_eq!(
            nothing_yet.err().map(|e| e.code()).as_deref(),
            Some("no_joined_study")
        );
        join(&a, &b, &segou);
        // b also joined a study the shared laptop does not hold: it is named, not synced.
        let mut c = store(dir.path(), "c");
        let kayes = study(&mut c, "Étude de Kayes");
        join(&c, &b, &kayes);

        let hub = LocalHub::start(a.path(), "127.0.0.1:0").expect("share");
        let url = hub.info.urls[0].clone();
        assert_eq!(hub.info.urls, vec![format!("http://{}", hub.info.address)]);
        let no_code = sync_joined(&mut b, &url, None, &mut |_| {}, &AtomicBool::new(false));
        assert_eq!(
            no_code.err().map(|e| e.code()).as_deref(),
            Some("need_join_code")
        );
        let bad = sync_joined(
            &mut b,
            "ftp://x",
            None,
            &mut |_| {},
            &AtomicBool::new(false),
        );
        assert_eq!(bad.err().map(|e| e.code()).as_deref(), Some("bad_url"));

        let mut stages = Vec::new();
        let summary = sync_joined(
            &mut b,
            url.trim_start_matches("http://"),
            Some(&format!(" {} ", hub.info.join_code)),
            &mut |p| stages.push(p.stage),
            &AtomicBool::new(false),
        )
        .expect("sync");
        assert!(summary.enrolled);
        assert_eq!(
            terrain_core::sync::hub_url(&b).expect("hub url"),
            Some(url.clone())
        );
        assert_eq!(summary.studies.len(), 1);
        assert_eq!(summary.studies[0].title, "Études à Ségou");
        assert_eq!(summary.studies[0].new_records, 4);
        assert_eq!(summary.skipped_studies, vec![kayes]);
        assert_eq!(summary.skipped_titles, vec!["Étude de Kayes".to_string()]);
        assert!(
            stages.contains(&crate::Stage::Pulling) && stages.last() == Some(&crate::Stage::Done)
        );

        let enrolled = registry::list(a.conn()).expect("enrolled");
        assert_eq!(enrolled.len(), 1);
        assert_eq!(enrolled[0].node_id, b.node_id());
        registry::revoke_device(a.conn(), b.node_id()).expect("revoke");
        let gone = registry::revoke_device(a.conn(), "no-such-node").expect_err("unknown");
        assert_eq!(gone.code(), "unknown_device");
        let revoked = sync_joined(&mut b, &url, None, &mut |_| {}, &AtomicBool::new(false));
        assert_eq!(revoked.err().map(|e| e.code()).as_deref(), Some("revoked"));
        hub.stop().expect("stop");

        let hub = LocalHub::start(a.path(), "127.0.0.1:0").expect("share again");
        let cancelled = sync_joined(
            &mut b,
            &hub.info.url,
            None,
            &mut |_| {},
            &AtomicBool::new(true),
        );
        assert_eq!(
            cancelled.err().map(|e| e.code()).as_deref(),
            Some("cancelled")
        );
        hub.stop().expect("stop");
    }

    #[test]
    fn addresses_as_people_type_them() {
        assert_eq!(
            normalise_url(" 192.168.1.20:7878/ ").as_deref(),
            Some("http://192.168.1.20:7878")
        );
        assert_eq!(
            normalise_url("http://hub.local").as_deref(),
            Some("http://hub.local")
        );
        assert_eq!(normalise_url("ftp://x"), None);
        assert_eq!(normalise_url("  "), None);
    }
}
