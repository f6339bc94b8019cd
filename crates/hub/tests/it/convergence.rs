//! Several laptops and hubs on 127.0.0.1 end with the same data, each change applied once.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;
use terrain_core::Entity;

use crate::support::*;

#[test]
fn three_laptops_editing_the_same_records_converge_with_the_hub() {
    let lab = Lab::new();
    let mut a = lab.store("a");
    let (study, invite) = new_study(&mut a, "Gao 2026");
    let sessions: Vec<String> = (0..6)
        .map(|i| new_session(&mut a, &study, &format!("séance {i}")))
        .collect();
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let url = hub.info.url.clone();
    let code = hub.info.join_code.clone();

    let mut laptops = vec![a, lab.store("b"), lab.store("c")];
    for l in &laptops[1..] {
        join(l, &invite);
    }
    for l in laptops.iter_mut() {
        sync(l, &url, Some(&code)).expect("first sync");
    }
    let titles = ["Ansongo", "Bourem", "Ménaka", "Gao", "Tessit"];
    for seed in 0..3u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        for round in 0..3 {
            // Everyone edits the same records offline...
            for (i, l) in laptops.iter_mut().enumerate() {
                for _ in 0..4 {
                    let s = &sessions[rng.gen_range(0..sessions.len())];
                    match rng.gen_range(0..10) {
                        0 => {
                            let _ = l.delete(Entity::Session, s);
                        }
                        1 => {
                            let _ = l.restore(Entity::Session, s);
                        }
                        _ => {
                            let title = format!(
                                "{} {seed}-{round}-{i}",
                                titles[rng.gen_range(0..titles.len())]
                            );
                            let _ =
                                l.update(Entity::Session, s, &fields(&[("title", json!(title))]));
                        }
                    }
                }
            }
            // ...then some of them sync, in a random order.
            let mut order: Vec<usize> = (0..laptops.len()).collect();
            order.shuffle(&mut rng);
            for i in order.into_iter().take(rng.gen_range(1..=3)) {
                sync(&mut laptops[i], &url, None).expect("sync");
            }
        }
    }
    // Two full rounds: everyone gets everything.
    for _ in 0..2 {
        for l in laptops.iter_mut() {
            sync(l, &url, None).expect("final sync");
        }
    }
    let hub_view = lab.store("hub");
    let expected = dump(&hub_view);
    for l in &laptops {
        assert_eq!(dump(l), expected);
        assert_eq!(change_ids(l), change_ids(&hub_view));
    }
    hub.stop().expect("hub stops");
}

#[test]
fn a_relay_through_a_regional_hub_keeps_origins_and_applies_each_change_once() {
    let lab = Lab::new();
    let mut field = lab.store("field");
    let (study, invite) = new_study(&mut field, "Mopti");
    let s = new_session(&mut field, &study, "Sévaré");
    let regional_store = lab.store("regional");
    let hq_store = lab.store("hq");
    let mut other = lab.store("other");
    for st in [&regional_store, &hq_store, &other] {
        join(st, &invite);
    }
    drop(regional_store);
    drop(hq_store);
    let regional = start_hub(&lab.path("regional"));
    let hq = start_hub(&lab.path("hq"));

    // The field laptop syncs with the regional hub, which relays to HQ with its own store
    // (the same file it serves); a second laptop syncs straight with HQ.
    sync(
        &mut field,
        &regional.info.url,
        Some(&regional.info.join_code),
    )
    .expect("field → regional");
    let mut regional_client = lab.store("regional");
    let up =
        sync(&mut regional_client, &hq.info.url, Some(&hq.info.join_code)).expect("regional → hq");
    assert!(up.studies[0].sent_new > 0);
    let first = sync(&mut other, &hq.info.url, Some(&hq.info.join_code)).expect("other ↔ hq");
    assert_eq!(first.studies[0].received_new, up.studies[0].sent_new);

    // Both edit the same session; the second laptop adds one.
    other
        .update(
            Entity::Session,
            &s,
            &fields(&[("notes", json!("vu à Bamako"))]),
        )
        .expect("edit");
    let o = new_session(&mut other, &study, "Bamako");
    sync(&mut other, &hq.info.url, None).expect("other → hq");
    field
        .update(
            Entity::Session,
            &s,
            &fields(&[("title", json!("Sévaré, 2e passage"))]),
        )
        .expect("edit");
    sync(&mut field, &regional.info.url, None).expect("field → regional");
    sync(&mut regional_client, &hq.info.url, None).expect("regional ↔ hq");
    sync(&mut other, &hq.info.url, None).expect("other ↔ hq");
    let back = sync(&mut field, &regional.info.url, None).expect("field ← regional");
    assert!(back.studies[0].received_new > 0);
    terrain_core::read::get(field.conn(), Entity::Session, &o)
        .expect("the other laptop's session reached the field laptop");
    // The same changes could reach the field laptop again, straight from HQ: nothing is new.
    let direct = sync(&mut field, &hq.info.url, Some(&hq.info.join_code)).expect("field ↔ hq");
    assert_eq!(
        direct.studies[0].received_new, 0,
        "nothing new by the second route"
    );
    assert_eq!(direct.studies[0].sent_new, 0);
    sync(&mut regional_client, &hq.info.url, None).expect("regional ↔ hq");

    let hq_view = lab.store("hq");
    let expected = dump(&hq_view);
    for st in [&field, &other, &regional_client] {
        assert_eq!(dump(st), expected);
        assert_eq!(change_ids(st), change_ids(&hq_view));
    }
    // Origins kept: HQ holds the field laptop's changes under the field laptop's node id.
    let ids = change_ids(&hq_view);
    assert!(ids.iter().any(|(n, _)| n == field.node_id()));
    assert!(!ids.iter().any(|(n, _)| n == regional_client.node_id()));
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    regional.stop().expect("stop");
    hq.stop().expect("stop");
}

#[test]
fn many_laptops_syncing_at_once_all_succeed_and_converge() {
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, invite) = new_study(&mut lead, "Tombouctou");
    let session = new_session(&mut lead, &study, "Goundam");
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let (url, code) = (hub.info.url.clone(), hub.info.join_code.clone());
    sync(&mut lead, &url, Some(&code)).expect("lead");
    let mut laptops: Vec<_> = (0..8)
        .map(|i| {
            let mut s = lab.store(&format!("l{i}"));
            join(&s, &invite);
            sync(&mut s, &url, Some(&code)).expect("first sync");
            s.write(|w| {
                for j in 0..30 {
                    w.create(
                        Entity::Tally,
                        &fields(&[
                            ("session_id", json!(session)),
                            ("sex", json!(if j % 2 == 0 { "female" } else { "male" })),
                            ("count", json!(i * 100 + j)),
                        ]),
                    )?;
                }
                Ok(())
            })
            .expect("tallies");
            s
        })
        .collect();
    let results: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = laptops
            .iter_mut()
            .map(|s| {
                let url = url.clone();
                scope.spawn(move || sync(s, &url, None).is_ok())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(false))
            .collect()
    });
    assert!(results.iter().all(|ok| *ok), "{results:?}");
    for l in laptops.iter_mut() {
        sync(l, &url, None).expect("catch up");
    }
    let expected = dump(&lab.store("hub"));
    for l in &laptops {
        assert_eq!(dump(l), expected);
    }
    hub.stop().expect("stop");
}

#[test]
fn a_laptop_whose_clock_says_2036_is_refused_and_flagged_on_the_hub() {
    let ten_years_ms: i64 = 10 * 365 * 24 * 3600 * 1000;
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, invite) = new_study(&mut lead, "Kayes");
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let (url, code) = (hub.info.url.clone(), hub.info.join_code.clone());
    sync(&mut lead, &url, Some(&code)).expect("lead");

    let mut skewed = lab.store("skewed");
    skewed.set_clock_offset_ms(ten_years_ms);
    join(&skewed, &invite);
    let ahead = terrain_hub::SyncOptions {
        clock_skew_ms: ten_years_ms,
        ..opts(Some(&code))
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    terrain_hub::sync(&mut skewed, &url, &ahead, &mut |_| {}, &cancel).expect("first sync");
    new_session(&mut skewed, &study, "Nioro");
    // Its stamps would beat every edit made by a laptop whose clock is right for ten years:
    // the hub refuses its push, by name, and holds nothing of it.
    let before = dump(&lab.store("hub"));
    let refused = terrain_hub::sync(&mut skewed, &url, &ahead, &mut |_| {}, &cancel)
        .expect_err("a clock ten years ahead is refused");
    let said = format!("{refused:?} {refused}");
    assert!(said.contains("future_stamp"), "{said}");
    assert_eq!(dump(&lab.store("hub")), before);
    sync(&mut lead, &url, None).expect("lead still syncs");

    let hub_view = lab.store("hub");
    let devices = terrain_core::sync::list_devices(&hub_view).expect("devices");
    let flagged = devices
        .iter()
        .find(|d| d.node_id == skewed.node_id())
        .expect("the hub knows the skewed laptop");
    assert_eq!(
        flagged.clock_warning,
        Some(terrain_core::sync::ClockWarning::Ahead)
    );
    hub.stop().expect("stop");
}

#[test]
fn long_texts_travel_in_batches_under_the_body_limit() {
    let lab = Lab::new();
    let mut a = lab.store("a");
    let (study, invite) = new_study(&mut a, "Bamako");
    let session = new_session(&mut a, &study, "Commune IV");
    // 40 notes of about 900 KB each: 36 MB, still over the body limit once compressed.
    let mut rng = StdRng::seed_from_u64(1);
    a.write(|w| {
        for i in 0..40 {
            let text: String = (0..900_000)
                .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
                .collect();
            w.create(
                Entity::Finding,
                &fields(&[
                    ("session_id", json!(session)),
                    ("theme", json!(format!("thème {i}"))),
                    ("text", json!(text)),
                ]),
            )?;
        }
        Ok(())
    })
    .expect("findings");
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let summary = sync(&mut a, &hub.info.url, Some(&hub.info.join_code)).expect("sync");
    assert!(summary.bytes_sent > terrain_hub::protocol::MAX_BODY as u64);
    let mut b = lab.store("b");
    join(&b, &invite);
    sync(&mut b, &hub.info.url, Some(&hub.info.join_code)).expect("pull");
    assert_eq!(dump(&a), dump(&b));
    hub.stop().expect("stop");
}
