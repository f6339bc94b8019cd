//! A study of 10,000 participants, written in one transaction, reads back its totals exactly.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::json;
use terrain_core::read::{self as query, SessionFilter, SessionQuery};
use terrain_core::schema::{age_band_of, ACTOR_GROUPS};
use terrain_core::Entity;

use crate::support::{fields, temp_store};

const PEOPLE: usize = 10_000;
const SESSIONS: usize = 40;

#[test]
fn ten_thousand_participants_load_their_totals_correctly() {
    let (_dir, mut store) = temp_store();
    let places: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM place WHERE kind = 'commune' AND map_version = '2016' ORDER BY name LIMIT 8")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();

    // What the store must report: women/men overall, per actor group, per age band, per session.
    let mut want_group: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut want_band: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut want_session: Vec<(i64, i64)> = vec![(0, 0); SESSIONS];
    let (mut women, mut men) = (0, 0);

    let started = Instant::now();
    let (study, sessions) = store
        .write(|w| {
            let study = w.create(Entity::Study, &fields(json!({"title": "Grande enquête"})))?;
            let mut sessions = Vec::new();
            for i in 0..SESSIONS {
                sessions.push(w.create(
                    Entity::Session,
                    &fields(json!({"study_id": study, "session_type": "workshop",
                        "date": format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                        "place_id": places[i % places.len()]})),
                )?);
            }
            for i in 0..PEOPLE {
                let s = i % SESSIONS;
                let female = i % 7 < 4;
                let group = ACTOR_GROUPS[i % ACTOR_GROUPS.len()];
                let age = 16 + (i * 7 % 60) as i64;
                w.create(
                    Entity::Participant,
                    &fields(json!({"session_id": sessions[s], "sex": if female { "female" } else { "male" },
                        "age": age, "actor_group": group})),
                )?;
                let bump = |c: &mut (i64, i64)| if female { c.0 += 1 } else { c.1 += 1 };
                bump(want_group.entry(group.to_string()).or_default());
                bump(want_band.entry(age_band_of(age).to_string()).or_default());
                bump(&mut want_session[s]);
                if female {
                    women += 1
                } else {
                    men += 1
                }
            }
            Ok((study, sessions))
        })
        .unwrap();
    let write_time = started.elapsed();

    let started = Instant::now();
    let t = query::study_totals(store.conn(), &study).unwrap();
    let totals_time = started.elapsed();
    assert_eq!(t.total, PEOPLE as i64);
    assert_eq!((t.women, t.men), (women, men));
    let got_group: BTreeMap<String, (i64, i64)> = t
        .by_actor_group
        .iter()
        .map(|k| (k.key.clone(), (k.women, k.men)))
        .collect();
    assert_eq!(got_group, want_group);
    let got_band: BTreeMap<String, (i64, i64)> = t
        .by_age_band
        .iter()
        .map(|k| (k.key.clone(), (k.women, k.men)))
        .collect();
    assert_eq!(got_band, want_band);

    let started = Instant::now();
    let rows = query::sessions(
        store.conn(),
        &SessionQuery {
            filter: SessionFilter {
                study_id: Some(study.clone()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let list_time = started.elapsed();
    assert_eq!(rows.len(), SESSIONS);
    for row in &rows {
        let i = sessions.iter().position(|s| *s == row.id).unwrap();
        assert_eq!((row.women, row.men), want_session[i], "session {i}");
        assert!(row.region.is_some());
    }
    let overview = query::study_overview(store.conn(), &study).unwrap();
    assert_eq!(overview.people.total, PEOPLE as i64);
    assert_eq!(overview.sessions, SESSIONS as i64);
    let listed = query::studies(store.conn()).unwrap();
    assert_eq!((listed[0].women, listed[0].men), (women, men));

    // The change log holds one change per stored field: session, code, sex, age, age band and
    // actor group for each person.
    let person_changes: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM changes WHERE entity = 'participant'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(person_changes, 6 * PEOPLE as i64);
    eprintln!(
        "10k participants: write {write_time:?}, study totals {totals_time:?}, sessions list {list_time:?}"
    );
}
