//! Small-cell suppression never leaks: on many random datasets, every published count is at
//! least the minimum, and no hidden non-zero count is alone in an equation a reader can write
//! (per region and sex, the session cells and the actor-group cells add up to the same total).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::{Entity, Store};

use crate::support::stats_fixture::{create, PELENGANA, SADIOLA};

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn export_json(store: &mut Store, dir: &std::path::Path, anonymised: bool, min_cell: i64) -> Value {
    let path = dir.join(if anonymised { "anon.json" } else { "full.json" });
    let o = ExportOptions {
        anonymised,
        min_cell,
        ..Default::default()
    };
    export::run(store, Format::Json, &path, &o, &mut |_| {}).expect("export");
    serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json")
}

fn num(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// Checks the anonymised export against the full one; returns the number of hidden cells.
fn check(full: &Value, anon: &Value, min: i64) -> usize {
    let mut hidden = 0;
    // (region, sex) -> number of hidden non-zero cells on either side.
    let mut alone: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let full_sessions: BTreeMap<String, &Value> = full["tables"]["session"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| (s["id"].as_str().expect("id").to_string(), s))
        .collect();
    for s in anon["tables"]["session"].as_array().expect("sessions") {
        let truth = full_sessions[s["id"].as_str().expect("id")];
        let region = truth["region_name"].as_str().unwrap_or("").to_string();
        for (col, sex) in [("women", "female"), ("men", "male")] {
            let t = num(&truth[col]).expect("true count");
            match num(&s[col]) {
                Some(v) => {
                    assert_eq!(v, t, "published count differs from the truth");
                    assert!(v >= min, "published session count {v} below {min}");
                }
                None => {
                    assert_eq!(s[col], "x");
                    hidden += 1;
                    if t > 0 {
                        *alone.entry((region.clone(), sex)).or_default() += 1;
                    }
                }
            }
        }
    }
    let full_regions: BTreeMap<(String, String), &Value> = full["tables"]["people_by_region"]
        .as_array()
        .expect("regions")
        .iter()
        .map(|r| {
            (
                (
                    r["region_name"].as_str().unwrap_or("").to_string(),
                    r["actor_group"].as_str().expect("g").to_string(),
                ),
                r,
            )
        })
        .collect();
    for r in anon["tables"]["people_by_region"]
        .as_array()
        .expect("regions")
    {
        let region = r["region_name"].as_str().unwrap_or("").to_string();
        let truth = full_regions[&(
            region.clone(),
            r["actor_group"].as_str().expect("g").to_string(),
        )];
        for (col, sex) in [("women", "female"), ("men", "male")] {
            let t = num(&truth[col]).expect("true count");
            match num(&r[col]) {
                Some(v) => {
                    assert_eq!(v, t);
                    assert!(v >= min, "published region count {v} below {min}");
                }
                None => {
                    hidden += 1;
                    if t > 0 {
                        *alone.entry((region.clone(), sex)).or_default() += 1;
                    }
                }
            }
        }
    }
    for ((region, sex), n) in alone {
        assert_ne!(
            n, 1,
            "a single hidden {sex} count in {region} can be worked out by subtraction"
        );
    }
    // No totals anywhere a reader could subtract from.
    for table in anon["tables"].as_object().expect("tables").values() {
        for row in table.as_array().expect("rows") {
            assert!(row.get("total").is_none());
        }
    }
    hidden
}

#[test]
fn suppression_never_leaks_on_random_datasets() {
    let places = [SADIOLA, PELENGANA];
    let groups = ["womens_association", "youth", "police", "civil_society"];
    let mut hidden_total = 0;
    for seed in 0..25u64 {
        let dir = tempfile::tempdir().expect("tmp");
        let mut store = Store::open_in_dir(&dir.path().join("db")).expect("open");
        let mut rng = Lcg(seed * 7919 + 1);
        let study = create(
            &mut store,
            Entity::Study,
            json!({"title": format!("S{seed}")}),
        );
        let n_sessions = 2 + rng.next(5);
        for i in 0..n_sessions {
            let place = places[rng.next(2) as usize];
            let s = create(
                &mut store,
                Entity::Session,
                json!({
                "study_id": study, "session_type": "focus_group",
                "date": format!("2025-01-{:02}", i + 1), "place_id": place}),
            );
            for _ in 0..1 + rng.next(4) {
                let sex = if rng.next(2) == 0 { "female" } else { "male" };
                // Mostly large counts, some small ones, so both published and hidden cells occur.
                let count = if rng.next(3) == 0 {
                    rng.next(5)
                } else {
                    3 + rng.next(15)
                };
                create(
                    &mut store,
                    Entity::Tally,
                    json!({
                    "session_id": s, "sex": sex, "actor_group": groups[rng.next(4) as usize], "count": count}),
                );
            }
        }
        let full = export_json(&mut store, dir.path(), false, 5);
        let anon = export_json(&mut store, dir.path(), true, 5);
        hidden_total += check(&full, &anon, 5);
    }
    assert!(hidden_total > 0, "the random datasets exercise suppression");
}

#[test]
fn a_lone_small_cell_gets_a_complementary_one() {
    // Kayes: one session with 12 women (published) and one with 3 (hidden); all 15 women are
    // in one actor group, a published 15 would give 15 - 12 = 3 away.
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open_in_dir(&dir.path().join("db")).expect("open");
    let study = create(&mut store, Entity::Study, json!({"title": "S"}));
    for (day, women) in [(1, 12), (2, 3)] {
        let s = create(
            &mut store,
            Entity::Session,
            json!({
            "study_id": study, "session_type": "focus_group", "date": format!("2025-01-0{day}"), "place_id": SADIOLA}),
        );
        create(
            &mut store,
            Entity::Tally,
            json!({"session_id": s, "sex": "female", "actor_group": "youth", "count": women}),
        );
        create(
            &mut store,
            Entity::Tally,
            json!({"session_id": s, "sex": "male", "actor_group": "youth", "count": 9}),
        );
    }
    let full = export_json(&mut store, dir.path(), false, 5);
    let anon = export_json(&mut store, dir.path(), true, 5);
    check(&full, &anon, 5);
    let region = &anon["tables"]["people_by_region"][0];
    assert_eq!(region["women"], "x", "the group total is hidden too");
    assert_eq!(region["men"], 18);
}
