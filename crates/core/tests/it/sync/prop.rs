//! Property tests of sync: 3–5 replicas (real stores in temp dirs, clocks skewed by up to
//! 22 hours between any two: a stamp more than a day ahead of the receiver's clock is refused,
//! see `attacks::received` and `basic::a_laptop_in_2036_*`) edit shared records and exchange real bundle files in random ways (full, delta,
//! partial, duplicated, reordered, relayed). After a final full exchange every dump is
//! identical, no change is lost and no deleted record comes back unless restored. Then the
//! algebra of the merge itself: twice = once, two parts = whole, any order, with crafted
//! `prev`s among the changes too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::sample::Index;
use rusqlite::types::Value as SqlValue;
use serde_json::json;
use tempfile::TempDir;
use terrain_core::changes::{Change, Cover, ERASED_REASON, PERSONAL_FIELDS};
use terrain_core::read::{self as query, ListOptions};
use terrain_core::sync;
use terrain_core::sync::bundle::{self, ExportTarget, ImportOptions};
use terrain_core::SyncError;
use terrain_core::{Entity, Error, Store};

use crate::support::fields;

const HOUR_MS: i64 = 3600 * 1000;
const OFFSETS: [i64; 6] = [
    0,
    5 * 60 * 1000,
    -11 * HOUR_MS,
    11 * HOUR_MS,
    -3 * HOUR_MS,
    2 * HOUR_MS,
];

#[derive(Debug, Clone)]
enum How {
    Full,
    Delta,
    /// A delta cut after this many batches of 2 changes (an interrupted import).
    Partial(usize),
    /// The same bundle imported twice.
    Duplicate,
    /// Full to a third replica, then a delta from it.
    Relay(usize),
    /// Exported now, delivered later (reordering).
    Hold,
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        r: usize,
        place: bool,
        title: u8,
    },
    Edit {
        r: usize,
        k: usize,
        field: u8,
        value: u8,
    },
    Delete {
        r: usize,
        k: usize,
    },
    Restore {
        r: usize,
        k: usize,
    },
    Exchange {
        from: usize,
        to: usize,
        how: How,
    },
    Deliver {
        k: usize,
    },
    /// A participant added to a session (even `value`), or the name of one edited.
    Person {
        r: usize,
        k: usize,
        value: u8,
    },
    /// A participant erased (`Store::erase_participant`).
    Erase {
        r: usize,
        k: usize,
    },
}

fn how() -> impl Strategy<Value = How> {
    prop_oneof![
        2 => Just(How::Full),
        3 => Just(How::Delta),
        2 => (0usize..4).prop_map(How::Partial),
        1 => Just(How::Duplicate),
        1 => (0usize..5).prop_map(How::Relay),
        1 => Just(How::Hold),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0usize..5;
    prop_oneof![
        3 => (r.clone(), prop::bool::weighted(0.2), any::<u8>()).prop_map(|(r, place, title)| Op::Create { r, place, title }),
        6 => (r.clone(), 0usize..8, 0u8..3, 0u8..4).prop_map(|(r, k, field, value)| Op::Edit { r, k, field, value }),
        2 => (r.clone(), 0usize..8).prop_map(|(r, k)| Op::Delete { r, k }),
        1 => (r.clone(), 0usize..8).prop_map(|(r, k)| Op::Restore { r, k }),
        5 => (r.clone(), r.clone(), how()).prop_map(|(from, to, how)| Op::Exchange { from, to, how }),
        1 => (0usize..4).prop_map(|k| Op::Deliver { k }),
        3 => (r.clone(), 0usize..8, any::<u8>()).prop_map(|(r, k, value)| Op::Person { r, k, value }),
        1 => (r, 0usize..8).prop_map(|(r, k)| Op::Erase { r, k }),
    ]
}

struct World {
    _dir: TempDir,
    dir: PathBuf,
    stores: Vec<Store>,
    study: String,
    n: usize,
    pending: Vec<(usize, PathBuf)>,
    /// Every delete and restore made, per record.
    deletes: BTreeMap<String, usize>,
    restores: BTreeMap<String, usize>,
}

fn is_allowed_refusal(e: &Error) -> bool {
    matches!(
        e,
        Error::Sync(SyncError::AlreadyImported) | Error::Sync(SyncError::Gap)
    )
}

impl World {
    fn new(n: usize, offsets: &[usize]) -> World {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let mut stores: Vec<Store> = (0..n)
            .map(|i| {
                let mut s = Store::open_in_dir(&path.join(format!("r{i}"))).unwrap();
                s.set_clock_offset_ms(OFFSETS[offsets[i] % OFFSETS.len()]);
                s
            })
            .collect();
        let study = stores[0]
            .create(Entity::Study, &fields(json!({"title": "Étude"})))
            .unwrap();
        let invite =
            sync::invite(&stores[0], &study, terrain_core::schema::Role::Coordinator).unwrap();
        for s in &stores[1..] {
            sync::join_invitation(s, &invite).unwrap();
        }
        let mut w = World {
            _dir: dir,
            dir: path,
            stores: Vec::new(),
            study,
            n,
            pending: Vec::new(),
            deletes: BTreeMap::new(),
            restores: BTreeMap::new(),
        };
        let first = w.bundle_path();
        bundle::export_bundle(
            &stores[0],
            &w.study,
            &ExportTarget::Full,
            &first,
            &mut |_| {},
        )
        .unwrap();
        for s in stores.iter_mut().skip(1) {
            bundle::import_bundle(s, &first, &mut |_| {}).unwrap();
        }
        w.stores = stores;
        w
    }

    fn bundle_path(&self) -> PathBuf {
        self.dir.join(format!("b{}.terrain", uuid::Uuid::new_v4()))
    }

    fn records(&self, r: usize, deleted: bool) -> Vec<(Entity, String)> {
        let mut out = Vec::new();
        for e in [Entity::Session, Entity::Place] {
            let opts = ListOptions {
                only_deleted: deleted,
                field: (e == Entity::Place).then(|| "map_version".to_string()),
                value: (e == Entity::Place).then(|| "user".to_string()),
                ..Default::default()
            };
            for rec in query::list(self.stores[r].conn(), e, &opts).unwrap() {
                out.push((e, rec.id));
            }
        }
        out
    }

    /// The live participants of replica `r`: id and whether erased there.
    fn people(&self, r: usize) -> Vec<(String, bool)> {
        let all = query::list(
            self.stores[r].conn(),
            Entity::Participant,
            &ListOptions::default(),
        );
        all.unwrap()
            .into_iter()
            .map(|rec| {
                let erased = rec.text(ERASED_REASON).is_some();
                (rec.id, erased)
            })
            .collect()
    }

    fn export(&self, from: usize, target: &ExportTarget, batch: usize) -> PathBuf {
        let p = self.bundle_path();
        bundle::export_bundle_with(
            &self.stores[from],
            &self.study,
            target,
            &p,
            batch,
            &mut |_| {},
        )
        .unwrap();
        p
    }

    fn import(&mut self, to: usize, path: &Path, stop: Option<usize>) {
        let opts = ImportOptions {
            stop_after_batches: stop,
            ..Default::default()
        };
        match bundle::import_bundle_with(&mut self.stores[to], path, &opts, &mut |_| {}) {
            Ok(_) => {}
            Err(e) if is_allowed_refusal(&e) => {}
            Err(e) => panic!("import refused: {e}"),
        }
    }

    fn for_peer(&self, to: usize) -> ExportTarget {
        ExportTarget::For(self.stores[to].node_id().to_string())
    }

    fn run(&mut self, op: &Op) {
        let n = self.n;
        match op.clone() {
            Op::Create { r, place, title } => {
                let r = r % n;
                if place {
                    self.stores[r]
                        .create(
                            Entity::Place,
                            &fields(json!({"name": format!("Village {title}"), "kind": "village"})),
                        )
                        .unwrap();
                } else {
                    self.stores[r]
                        .create(
                            Entity::Session,
                            &fields(
                                json!({"study_id": self.study, "session_type": "focus_group",
                                           "date": "2026-03-01", "title": format!("S{title}")}),
                            ),
                        )
                        .unwrap();
                }
            }
            Op::Edit { r, k, field, value } => {
                let r = r % n;
                let live = self.records(r, false);
                if live.is_empty() {
                    return;
                }
                let (e, id) = &live[k % live.len()];
                let f = match (e, field) {
                    (Entity::Place, _) => json!({"name": format!("Lieu {value} {r}")}),
                    (_, 0) => json!({"title": format!("T{value}-{r}")}),
                    (_, 1) => json!({"notes": format!("n{value}")}),
                    _ => json!({"duration_minutes": value as i64 * 30}),
                };
                self.stores[r].update(*e, id, &fields(f)).unwrap();
            }
            Op::Delete { r, k } => {
                let r = r % n;
                let live = self.records(r, false);
                if let Some((e, id)) = live.get(k % live.len().max(1)) {
                    self.stores[r].delete(*e, id).unwrap();
                    *self.deletes.entry(id.clone()).or_default() += 1;
                }
            }
            Op::Restore { r, k } => {
                let r = r % n;
                let gone = self.records(r, true);
                if let Some((e, id)) = gone.get(k % gone.len().max(1)) {
                    self.stores[r].restore(*e, id).unwrap();
                    *self.restores.entry(id.clone()).or_default() += 1;
                }
            }
            Op::Exchange { from, to, how } => {
                let (from, to) = (from % n, to % n);
                if from == to {
                    return;
                }
                match how {
                    How::Full => {
                        let p = self.export(from, &ExportTarget::Full, bundle::BATCH_SIZE);
                        self.import(to, &p, None);
                    }
                    How::Delta => {
                        let p = self.export(from, &self.for_peer(to), bundle::BATCH_SIZE);
                        self.import(to, &p, None);
                    }
                    How::Partial(k) => {
                        let p = self.export(from, &self.for_peer(to), 2);
                        self.import(to, &p, Some(k));
                    }
                    How::Duplicate => {
                        let p = self.export(from, &self.for_peer(to), 3);
                        self.import(to, &p, None);
                        self.import(to, &p, None);
                    }
                    How::Relay(mid) => {
                        let mid = mid % n;
                        if mid == from || mid == to {
                            return;
                        }
                        let p = self.export(from, &ExportTarget::Full, 4);
                        self.import(mid, &p, None);
                        let q = self.export(mid, &self.for_peer(to), 4);
                        self.import(to, &q, None);
                    }
                    How::Hold => {
                        let p = self.export(from, &self.for_peer(to), 3);
                        self.pending.push((to, p));
                    }
                }
            }
            Op::Person { r, k, value } => {
                let r = r % n;
                let people = self.people(r);
                if value % 2 == 0 || people.is_empty() {
                    let sessions: Vec<String> = self
                        .records(r, false)
                        .into_iter()
                        .filter(|(e, _)| *e == Entity::Session)
                        .map(|(_, id)| id)
                        .collect();
                    let Some(session) = sessions.get(k % sessions.len().max(1)) else {
                        return;
                    };
                    let person = json!({"session_id": session, "sex": "female",
                        "name": format!("Nom {value}"), "phone": format!("+223{value:08}")});
                    self.stores[r]
                        .create(Entity::Participant, &fields(person))
                        .unwrap();
                } else if let (id, false) = &people[k % people.len()] {
                    let name = json!({"name": format!("Nom {value} {r}")});
                    self.stores[r]
                        .update(Entity::Participant, id, &fields(name))
                        .unwrap();
                }
            }
            Op::Erase { r, k } => {
                let r = r % n;
                let people = self.people(r);
                if let Some((id, false)) = people.get(k % people.len().max(1)) {
                    self.stores[r].erase_participant(id, "retrait").unwrap();
                }
            }
            Op::Deliver { k } => {
                if !self.pending.is_empty() {
                    let (to, p) = self.pending.remove(k % self.pending.len());
                    self.import(to, &p, None);
                }
            }
        }
    }

    /// Everyone sends everything to replica 0 (full), then 0 sends a delta to everyone.
    fn settle(&mut self) {
        for (to, p) in std::mem::take(&mut self.pending) {
            self.import(to, &p, None);
        }
        for from in 1..self.n {
            let p = self.export(from, &ExportTarget::Full, bundle::BATCH_SIZE);
            self.import(0, &p, None);
        }
        for to in 1..self.n {
            let p = self.export(0, &self.for_peer(to), bundle::BATCH_SIZE);
            self.import(to, &p, None);
        }
    }
}

/// A change's identity: (scope, node, seq), each node numbering its changes per scope.
type ChangeId = (Option<String>, String, i64);

fn change_ids(changes: &[Change]) -> BTreeSet<ChangeId> {
    changes
        .iter()
        .map(|c| (c.study.clone(), c.node.clone(), c.seq))
        .collect()
}

/// Every held change that is not its field's winner was either seen by a later change
/// (some change names it as prev), or holds a value kept or seen (the winner's, or a seen
/// change's: the same edit made twice loses nothing), or is in the conflict log; and no
/// conflict has two equal sides.
fn check_nothing_lost(store: &Store) {
    let changes = sync::all_changes(store.conn()).unwrap();
    let conflicts = sync::list_conflicts(store.conn(), true).unwrap();
    for c in &conflicts {
        assert_ne!(
            Some(&c.loser.value),
            c.winner.as_ref().map(|w| &w.value),
            "a conflict of {}.{} has two equal sides",
            c.row_id,
            c.field
        );
    }
    // A value id (`NODE:SEQ`) names a change within its record: seqs count per scope, and a
    // record lies in one scope.
    let logged: BTreeSet<(String, String, String)> = conflicts
        .into_iter()
        .map(|c| (c.row_id, c.field, c.loser.value_id))
        .collect();
    let mut by_field: BTreeMap<(String, String), Vec<&Change>> = BTreeMap::new();
    for c in &changes {
        by_field
            .entry((c.row_id.clone(), c.field.clone()))
            .or_default()
            .push(c);
    }
    let seen: BTreeSet<(String, String, i64, String)> = changes
        .iter()
        .filter_map(|c| {
            c.prev
                .as_ref()
                .map(|p| (c.row_id.clone(), c.field.clone(), p.hlc, p.node.clone()))
        })
        .collect();
    for ((row, field), list) in by_field {
        let winner: &Change = list
            .iter()
            .max_by(|a, b| (a.hlc, &a.node).cmp(&(b.hlc, &b.node)))
            .unwrap();
        let was_seen =
            |c: &Change| seen.contains(&(row.clone(), field.clone(), c.hlc, c.node.clone()));
        let kept: Vec<&SqlValue> = list
            .iter()
            .filter(|c| std::ptr::eq(winner, **c) || was_seen(c))
            .map(|c| &c.value)
            .collect();
        for c in list.iter().copied() {
            if std::ptr::eq(winner, c) {
                continue;
            }
            let id = (row.clone(), field.clone(), format!("{}:{}", c.node, c.seq));
            let same_edit = kept.contains(&&c.value);
            assert!(
                was_seen(c) || same_edit || logged.contains(&id),
                "value {:?} of {row}.{field} ({id:?}) was overwritten without being logged",
                c.value
            );
            assert!(
                !((was_seen(c) || same_edit) && logged.contains(&id)),
                "a seen value, or one kept, is logged as a conflict"
            );
        }
    }
}

/// No change of an erased participant's personal fields keeps a value or a salt.
fn check_erased(store: &Store) {
    let erased: BTreeSet<String> = query::list(
        store.conn(),
        Entity::Participant,
        &ListOptions {
            include_deleted: true,
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .filter(|rec| rec.text(ERASED_REASON).is_some())
    .map(|rec| rec.id)
    .collect();
    for c in sync::all_changes(store.conn()).unwrap() {
        if erased.contains(&c.row_id) && PERSONAL_FIELDS.contains(&c.field.as_str()) {
            assert_eq!(
                c.value,
                SqlValue::Null,
                "{}.{} kept its value",
                c.row_id,
                c.field
            );
            assert!(
                matches!(c.cover, Cover::Erased(_)),
                "{} kept its salt",
                c.field
            );
        }
    }
}

fn records_part(dump: &serde_json::Value) -> (serde_json::Value, serde_json::Value) {
    (dump["records"].clone(), dump["conflicts"].clone())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(40))]

    #[test]
    fn replicas_converge(
        n in 3usize..=5,
        offsets in prop::collection::vec(0usize..6, 5),
        ops in prop::collection::vec(op(), 5..40),
    ) {
        let mut w = World::new(n, &offsets);
        for op in &ops {
            w.run(op);
        }
        w.settle();
        let first = sync::dump_string(w.stores[0].conn(), None).unwrap();
        let all0 = change_ids(&sync::all_changes(w.stores[0].conn()).unwrap());
        for s in &w.stores[1..] {
            prop_assert_eq!(&sync::dump_string(s.conn(), None).unwrap(), &first);
            prop_assert_eq!(&change_ids(&sync::all_changes(s.conn()).unwrap()), &all0);
        }
        for s in &w.stores {
            check_nothing_lost(s);
            check_erased(s);
            // The tables hold what the change log says (the study's dump is computed from it).
            let whole = sync::dump(s.conn(), None).unwrap();
            let scoped = sync::dump(s.conn(), Some(&w.study)).unwrap();
            prop_assert_eq!(records_part(&whole), records_part(&scoped));
        }
        let store = &w.stores[0];
        for e in [Entity::Session, Entity::Place] {
            let all = query::list(store.conn(), e, &ListOptions {
                include_deleted: true,
                field: (e == Entity::Place).then(|| "map_version".to_string()),
                value: (e == Entity::Place).then(|| "user".to_string()),
                ..Default::default()
            }).unwrap();
            for rec in all {
                let deleted = w.deletes.get(&rec.id).copied().unwrap_or(0);
                let restored = w.restores.get(&rec.id).copied().unwrap_or(0);
                if rec.deleted {
                    prop_assert!(deleted > 0, "{} deleted though nobody deleted it", rec.id);
                } else if deleted > 0 {
                    prop_assert!(restored > 0, "{} came back though nobody restored it", rec.id);
                }
            }
        }
    }
}

/// The union of the changes of a random scenario (with conflicts and prevs across nodes).
fn scenario_changes(seed_ops: &[Op], offsets: &[usize]) -> Vec<Change> {
    let mut w = World::new(3, offsets);
    for op in seed_ops {
        w.run(op);
    }
    // In (scope, node, seq) order: each origin's changes in a scope follow on without a gap.
    let mut all: BTreeMap<ChangeId, Change> = BTreeMap::new();
    for s in &w.stores {
        for c in sync::all_changes(s.conn()).unwrap() {
            all.insert((c.study.clone(), c.node.clone(), c.seq), c);
        }
    }
    all.into_values().collect()
}

/// The scenario's changes and a member's crafted edits whose `prev` names a stamp it did not
/// overwrite: each (named, target, unheld) edits the target change's field, naming the named
/// change's stamp (another field's, another record's, or its own field's), or, when
/// `unheld`, that stamp under a node nobody has.
fn with_crafted_prevs(mut changes: Vec<Change>, crafted: &[(Index, Index, bool)]) -> Vec<Change> {
    let Some(top) = changes.iter().map(|c| c.hlc).max() else {
        return changes;
    };
    let mut extra = Vec::new();
    // The member numbers its changes per scope, 1, 2, 3... as every laptop does.
    let mut next: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for (i, (named, target, unheld)) in crafted.iter().enumerate() {
        let named = &changes[named.index(changes.len())];
        let target = &changes[target.index(changes.len())];
        let mut prev = named.stamp();
        if *unheld {
            prev.node = "0190a0a0-0000-7000-8000-00000000dead".into();
        }
        let seq = next.entry(target.study.clone()).or_insert(0);
        *seq += 1;
        extra.push(Change {
            node: "0190a0a0-0000-7000-8000-00000000beef".into(),
            seq: *seq,
            hlc: top + i as i64 + 1,
            prev: Some(prev),
            ..target.clone()
        });
    }
    // Each scope's changes of the member together, in seq order, as it would send them.
    extra.sort_by(|a, b| (&a.study, a.seq).cmp(&(&b.study, b.seq)));
    changes.extend(extra);
    changes
}

/// The dump of a store that applied these parts in turn, after checking no value is lost.
fn merged_dump(dir: &TempDir, name: &str, parts: &[Vec<Change>]) -> String {
    let mut s = Store::open_in_dir(&dir.path().join(name)).unwrap();
    for p in parts {
        sync::apply_changes(&mut s, None, p).unwrap();
    }
    check_nothing_lost(&s);
    sync::dump_string(s.conn(), None).unwrap()
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn merge_algebra(
        offsets in prop::collection::vec(0usize..6, 3),
        ops in prop::collection::vec(op(), 10..40),
        split in any::<prop::sample::Index>(),
        order in any::<u64>(),
        crafted in prop::collection::vec((any::<Index>(), any::<Index>(), any::<bool>()), 0..6),
    ) {
        let changes = with_crafted_prevs(scenario_changes(&ops, &offsets), &crafted);
        let dir = tempfile::tempdir().unwrap();
        let once = merged_dump(&dir, "once", std::slice::from_ref(&changes));
        let twice = merged_dump(&dir, "twice", &[changes.clone(), changes.clone()]);
        prop_assert_eq!(&once, &twice, "applying twice differs from once");
        let cut = split.index(changes.len() + 1);
        let halves = merged_dump(&dir, "halves", &[changes[..cut].to_vec(), changes[cut..].to_vec()]);
        prop_assert_eq!(&once, &halves, "two halves differ from the whole");
        // Any order of the origins: a deterministic random interleaving of the (scope, origin)
        // sequences, applied in chunks of 3, and one by one with the origins reversed. (Within
        // one origin's changes in a scope a receiver takes them in seq order: a gap is
        // refused, see `attacks::seqs`.)
        let mut lanes: Vec<Vec<Change>> = Vec::new();
        for c in &changes {
            match lanes.last_mut() {
                Some(lane) if lane[0].node == c.node && lane[0].study == c.study => lane.push(c.clone()),
                _ => lanes.push(vec![c.clone()]),
            }
        }
        let mut shuffled = Vec::with_capacity(changes.len());
        let mut heads: Vec<std::collections::VecDeque<Change>> =
            lanes.iter().map(|l| l.iter().cloned().collect()).collect();
        let mut x = order | 1;
        while !heads.is_empty() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = (x % heads.len() as u64) as usize;
            if let Some(c) = heads[k].pop_front() {
                shuffled.push(c);
            }
            if heads[k].is_empty() {
                heads.swap_remove(k);
            }
        }
        prop_assert_eq!(shuffled.len(), changes.len());
        let chunks: Vec<Vec<Change>> = shuffled.chunks(3).map(|c| c.to_vec()).collect();
        prop_assert_eq!(&once, &merged_dump(&dir, "shuffled", &chunks), "order matters");
        let reversed: Vec<Vec<Change>> = lanes
            .iter()
            .rev()
            .flat_map(|lane| lane.iter().map(|c| vec![c.clone()]))
            .collect();
        prop_assert_eq!(&once, &merged_dump(&dir, "reversed", &reversed), "reverse order differs");
    }
}

#[test]
fn delta_exchanges_give_the_same_state_as_full_ones() {
    let ops: Vec<Op> = (0..30)
        .map(|i| match i % 5 {
            0 => Op::Create {
                r: i % 3,
                place: i % 10 == 0,
                title: i as u8,
            },
            1 | 2 => Op::Edit {
                r: (i + 1) % 3,
                k: i,
                field: (i % 3) as u8,
                value: (i % 4) as u8,
            },
            3 => Op::Exchange {
                from: i % 3,
                to: (i + 1) % 3,
                how: How::Delta,
            },
            _ => Op::Delete { r: i % 3, k: i },
        })
        .collect();
    let run = |full: bool| {
        let mut w = World::new(3, &[0, 3, 4]);
        for op in &ops {
            let op = match op {
                Op::Exchange { from, to, .. } if full => Op::Exchange {
                    from: *from,
                    to: *to,
                    how: How::Full,
                },
                other => other.clone(),
            };
            w.run(&op);
        }
        w.settle();
        (0..3)
            .map(|i| records_part(&sync::dump(w.stores[i].conn(), None).unwrap()))
            .collect::<Vec<_>>()
    };
    let delta = run(false);
    let full = run(true);
    // Same shape of data: both converge, and record counts agree (ids differ between runs).
    assert!(delta.windows(2).all(|w| w[0] == w[1]));
    assert!(full.windows(2).all(|w| w[0] == w[1]));
    let count = |d: &(serde_json::Value, serde_json::Value)| {
        d.0.as_object()
            .unwrap()
            .values()
            .map(|v| v.as_array().unwrap().len())
            .sum::<usize>()
    };
    assert_eq!(count(&delta[0]), count(&full[0]));
}

#[test]
fn a_value_of_the_wrong_kind_is_refused_as_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_in_dir(dir.path()).unwrap();
    let bad = Change {
        node: uuid::Uuid::new_v4().to_string(),
        seq: 1,
        study: None,
        entity: Entity::Place,
        row_id: uuid::Uuid::new_v4().to_string(),
        field: "deleted".into(),
        value: SqlValue::Text("yes".into()),
        hlc: 1 << 20,
        prev: None,
        cover: terrain_core::changes::Cover::Value,
    };
    let e = sync::apply_changes(&mut s, None, std::slice::from_ref(&bad)).unwrap_err();
    assert_eq!(e.code(), "malformed");
    let unknown = Change {
        field: "colour".into(),
        value: SqlValue::Null,
        ..bad.clone()
    };
    assert_eq!(
        sync::apply_changes(&mut s, None, &[unknown])
            .unwrap_err()
            .code(),
        "malformed"
    );
    let older = Change {
        field: "name".into(),
        value: SqlValue::Text("x".into()),
        prev: Some(terrain_core::changes::Stamp {
            hlc: 2 << 20,
            node: bad.node.clone(),
        }),
        ..bad
    };
    assert_eq!(
        sync::apply_changes(&mut s, None, &[older])
            .unwrap_err()
            .code(),
        "malformed"
    );
    assert!(sync::all_changes(s.conn()).unwrap().is_empty());
}
