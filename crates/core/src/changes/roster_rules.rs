//! What a study's roster means: which entries are valid, who holds which role for which of
//! their changes, who is revoked (docs/design/authorship.md, section 2.2). A pure function of
//! the set of entries and the study's anchor, so every replica judges alike, whatever order
//! entries arrived in.
//!
//! Coordinators are ranked by seniority: the founder first, then each coordinator after the
//! one who granted it (rank, then grant id). A revocation counts only when its author is
//! senior to its subject, and it invalidates everything the subject signed that the revocation
//! does not descend from: a seized laptop cannot undo its revocation by pretending it never
//! saw it, nor revoke those above it.

use std::collections::{BTreeSet, HashMap, HashSet};

use ed25519_dalek::VerifyingKey;
use rusqlite::Connection;

use super::roster::{anchor, bad, store_entry, stored_entries, Entry, EntryId, EntryKind};
use super::roster::{PublicKey, SignedEntry};
use crate::error::{AuthorshipError, Error, Result};
use crate::schema::Role;
use crate::store::node_id_of;

/// The most entries a study's roster may hold, received ones included (two per member who
/// joined by invitation, one per role change or revocation: hundreds of members).
pub const MAX_ENTRIES: usize = 1024;

/// The valid entries of a study's roster, ready to judge changes.
#[derive(Debug, Clone)]
pub struct Roster {
    study: String,
    anchor: PublicKey,
    /// Valid entries by id.
    valid: HashMap<EntryId, Entry>,
    /// Ancestors (parents, transitively) of every entry held.
    ancestors: HashMap<EntryId, HashSet<EntryId>>,
    /// Node id → key, for every key a valid entry is about.
    keys: HashMap<String, PublicKey>,
    /// Revocations that count: (subject, entry id).
    revocations: Vec<(PublicKey, EntryId)>,
}

/// A member as the roster shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub node_id: String,
    pub key: PublicKey,
    /// The role for its next change; None once revoked.
    pub role: Option<Role>,
}

impl Roster {
    /// The roster of a study here; None when the study has no anchor (unmanaged: made before
    /// rosters, or joined by an old join file).
    pub fn load(conn: &Connection, study: &str) -> Result<Option<Roster>> {
        let Some(anchor) = anchor(conn, study)? else {
            return Ok(None);
        };
        let mut entries = Vec::new();
        for signed in stored_entries(conn, study)? {
            let entry = Entry::open(&signed)
                .map_err(|_| Error::Damaged(format!("a roster entry of study {study}")))?;
            entries.push((signed.id(), entry));
        }
        Ok(Some(evaluate(study, anchor, entries)))
    }

    pub fn study(&self) -> &str {
        &self.study
    }

    /// The ids of the valid entries no other valid entry names as a parent: what a new
    /// entry's `parents` are.
    pub fn heads(&self) -> Vec<EntryId> {
        let named: HashSet<&EntryId> = self.valid.values().flat_map(|e| &e.parents).collect();
        let mut heads: Vec<EntryId> = self
            .valid
            .keys()
            .filter(|id| !named.contains(id))
            .copied()
            .collect();
        heads.sort();
        heads
    }

    /// The key a node id speaks for, if a valid entry is about it.
    pub fn key_of(&self, node_id: &str) -> Option<VerifyingKey> {
        self.keys
            .get(node_id)
            .and_then(|k| VerifyingKey::from_bytes(k).ok())
    }

    /// The role ruling change `seq` of `node_id` in `scope` ('' for shared records), or why
    /// the change is refused whatever it does.
    pub fn role_at(&self, node_id: &str, scope: &str, seq: i64) -> Result<Role, AuthorshipError> {
        let not_member = || AuthorshipError::NotMember {
            node: node_id.to_string(),
        };
        let key = *self.keys.get(node_id).ok_or_else(not_member)?;
        let revoked = self.revocations.iter().any(|(subject, id)| {
            *subject == key && self.valid.get(id).is_some_and(|r| r.after_in(scope) < seq)
        });
        if revoked {
            return Err(AuthorshipError::Revoked {
                node: node_id.to_string(),
            });
        }
        // The grants in force at this seq; the latest by ancestry rule; of concurrent latest
        // ones, the least privileged.
        let applicable: Vec<(&EntryId, Role)> = self
            .valid
            .iter()
            .filter(|(_, e)| e.subject == key && e.after_in(scope) < seq)
            .filter_map(|(id, e)| match e.kind {
                EntryKind::Found => Some((id, Role::Coordinator)),
                EntryKind::Grant(role) => Some((id, role)),
                EntryKind::Revoke | EntryKind::Invite(_) | EntryKind::Rekey(_) => None,
            })
            .collect();
        applicable
            .iter()
            .filter(|(id, _)| {
                !applicable
                    .iter()
                    .any(|(other, _)| self.is_ancestor(id, other))
            })
            .map(|(_, role)| *role)
            .min()
            .ok_or_else(not_member)
    }

    /// When `node_id` is revoked, the last of its seqs in `scope` that still count: its
    /// changes above are refused everywhere, so nobody sends them.
    pub fn revoked_after(&self, node_id: &str, scope: &str) -> Option<i64> {
        let key = self.keys.get(node_id)?;
        self.revocations
            .iter()
            .filter(|(subject, _)| subject == key)
            .filter_map(|(_, id)| self.valid.get(id).map(|r| r.after_in(scope)))
            .min()
    }

    /// The role a node holds for its next change in `scope`.
    pub fn current_role(&self, node_id: &str, scope: &str) -> Result<Role, AuthorshipError> {
        self.role_at(node_id, scope, i64::MAX)
    }

    /// Every key a valid entry is about, with its role for its next change in the study.
    pub fn members(&self) -> Vec<Member> {
        let mut out: Vec<Member> = self
            .keys
            .iter()
            .map(|(node_id, key)| Member {
                node_id: node_id.clone(),
                key: *key,
                role: self.current_role(node_id, &self.study).ok(),
            })
            .collect();
        out.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        out
    }

    /// The valid re-keys of the study, newest version first (then by commitment): each names
    /// a study key version by its commitment and carries it sealed to each member it reached.
    pub fn rekeys(&self) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = self
            .valid
            .values()
            .filter(|e| matches!(e.kind, EntryKind::Rekey(_)))
            .collect();
        out.sort_by_key(|e| {
            let EntryKind::Rekey(v) = e.kind else {
                return (0, e.subject);
            };
            (u32::MAX - v, e.subject)
        });
        out
    }

    /// The invitation keys of valid invitations whose claim is not held here: a re-key seals
    /// the new study key to them too, for the laptops that joined with them unheard of.
    pub fn unclaimed_invitations(&self) -> Vec<PublicKey> {
        let mut out: Vec<PublicKey> = self
            .valid
            .values()
            .filter(|e| matches!(e.kind, EntryKind::Invite(_)))
            .map(|e| e.subject)
            .filter(|key| !self.valid.values().any(|g| g.author == *key))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Whether `node_id` holds a role now: a member, not revoked (a re-key seals the new key
    /// to these).
    pub fn is_current_member(&self, node_id: &str) -> bool {
        self.current_role(node_id, &self.study).is_ok()
    }

    fn is_ancestor(&self, maybe: &EntryId, of: &EntryId) -> bool {
        self.ancestors.get(of).is_some_and(|a| a.contains(maybe))
    }
}

/// Ancestors of every entry whose parents are all held (transitively); entries waiting for a
/// parent are left out, as are entries in a cycle (impossible with hashes, refused anyway).
fn ancestry(entries: &HashMap<EntryId, Entry>) -> HashMap<EntryId, HashSet<EntryId>> {
    let mut done: HashMap<EntryId, HashSet<EntryId>> = HashMap::new();
    // Repeatedly settle the entries whose parents are settled: n passes at most.
    loop {
        let mut progressed = false;
        for (id, e) in entries {
            if done.contains_key(id) || !e.parents.iter().all(|p| done.contains_key(p)) {
                continue;
            }
            let mut set = HashSet::new();
            for p in &e.parents {
                set.insert(*p);
                set.extend(done[p].iter().copied());
            }
            done.insert(*id, set);
            progressed = true;
        }
        if !progressed {
            return done;
        }
    }
}

/// The valid part of a set of entries (see the module's comment).
fn evaluate(study: &str, anchor: PublicKey, entries: Vec<(EntryId, Entry)>) -> Roster {
    let all: HashMap<EntryId, Entry> = entries
        .into_iter()
        .filter(|(_, e)| e.study == study)
        .collect();
    let ancestors = ancestry(&all);
    let settled = |id: &EntryId| ancestors.contains_key(id);
    let mut valid: HashMap<EntryId, Entry> = HashMap::new();
    let mut revocations: Vec<(PublicKey, EntryId)> = Vec::new();
    // Coordinators to process, most senior first: (rank, granting entry id, key).
    let mut queue: BTreeSet<(u32, EntryId, PublicKey)> = BTreeSet::new();
    let mut processed: HashSet<PublicKey> = HashSet::new();
    // Invitation keys made by valid `invite` entries: (entry id, the role they hand over).
    let mut invites: HashMap<PublicKey, (EntryId, Role)> = HashMap::new();
    for (id, e) in &all {
        if e.kind == EntryKind::Found && e.author == anchor && e.subject == anchor && settled(id) {
            valid.insert(*id, e.clone());
            queue.insert((0, *id, anchor));
        }
    }
    while let Some(next) = queue.pop_first() {
        let (rank, _, author) = next;
        if !processed.insert(author) {
            continue;
        }
        // Revocations of this author by seniors, all processed already.
        let against: Vec<EntryId> = revocations
            .iter()
            .filter(|(subject, _)| *subject == author)
            .map(|(_, id)| *id)
            .collect();
        let mut own: Vec<(&EntryId, &Entry)> = all
            .iter()
            .filter(|(id, e)| e.author == author && e.kind != EntryKind::Found && settled(id))
            .collect();
        own.sort_by_key(|(id, _)| **id);
        for (id, e) in own {
            let ancestors_of = &ancestors[id];
            // Standing: the founder, or a coordinator grant of the author among its ancestors;
            // an invitation key signs only the one grant it was made for, after it.
            let standing = match invites.get(&author) {
                Some((invite, role)) => {
                    e.kind == EntryKind::Grant(*role) && ancestors_of.contains(invite)
                }
                None => {
                    author == anchor
                        || ancestors_of.iter().any(|a| {
                            valid.get(a).is_some_and(|g| {
                                g.subject == author && g.kind == EntryKind::Grant(Role::Coordinator)
                            })
                        })
                }
            };
            let undone = against
                .iter()
                .any(|r| !ancestors.get(r).is_some_and(|set| set.contains(id)));
            // Nobody revokes the founder, and a coordinator only those below it.
            let revokes_senior = e.kind == EntryKind::Revoke && processed.contains(&e.subject);
            if !standing || undone || revokes_senior {
                continue;
            }
            match e.kind {
                EntryKind::Grant(Role::Coordinator) => {
                    queue.insert((rank + 1, *id, e.subject));
                }
                EntryKind::Revoke => revocations.push((e.subject, *id)),
                // The key is fresh: nobody else could have made an entry about it.
                EntryKind::Invite(role)
                    if !processed.contains(&e.subject) && !invites.contains_key(&e.subject) =>
                {
                    invites.insert(e.subject, (*id, role));
                    queue.insert((rank + 1, *id, e.subject));
                }
                _ => {}
            }
            valid.insert(*id, e.clone());
        }
    }
    let keys = valid
        .values()
        .filter(|e| !matches!(e.kind, EntryKind::Invite(_) | EntryKind::Rekey(_)))
        .filter_map(|e| {
            let key = VerifyingKey::from_bytes(&e.subject).ok()?;
            Some((node_id_of(&key), e.subject))
        })
        .collect();
    Roster {
        study: study.to_string(),
        anchor,
        valid,
        ancestors,
        keys,
        revocations,
    }
}

/// Adds entries to a study's roster, in the caller's transaction: each must read, verify and
/// be valid in the roster it joins (send parents first), else nothing is stored. For entries
/// signed here; received ones go through [`with_received`], which drops what grants nothing.
pub fn add_entries(conn: &Connection, study: &str, signed: &[SignedEntry]) -> Result<Roster> {
    let (roster, _) =
        with_received(conn, study, signed)?.ok_or_else(|| bad("the study has no anchor here"))?;
    if signed.iter().any(|s| !roster.valid.contains_key(&s.id())) {
        return Err(bad("signed by no coordinator of the study"));
    }
    keep_entries(conn, study, signed)?;
    Ok(roster)
}

/// The roster of a study as it is with received entries added, and those of them to keep:
/// the valid ones. The others grant nothing and are dropped (an entry of a coordinator revoked
/// since, one signed by a non-member, one whose parent is missing): a sender may hold them
/// legitimately. An entry that does not read, is about another study or whose signature fails
/// is refused (`bad_roster_entry`): no honest laptop sends one. None when the study has no
/// anchor here.
pub fn with_received(
    conn: &Connection,
    study: &str,
    received: &[SignedEntry],
) -> Result<Option<(Roster, Vec<SignedEntry>)>> {
    let Some(anchor) = anchor(conn, study)? else {
        return Ok(None);
    };
    let mut entries = Vec::new();
    let mut held = HashSet::new();
    for s in stored_entries(conn, study)? {
        let entry = Entry::open(&s)
            .map_err(|_| Error::Damaged(format!("a roster entry of study {study}")))?;
        held.insert(s.id());
        entries.push((s.id(), entry));
    }
    // Judging a roster holds every entry's ancestors: a chain of n entries costs n²/2 of them.
    // Honest rosters hold tens; more than MAX_ENTRIES is refused before anything is read.
    if entries.len().saturating_add(received.len()) > MAX_ENTRIES {
        return Err(bad("more entries than a study's roster holds"));
    }
    let mut fresh = Vec::new();
    for s in received {
        let entry = Entry::open(s)?;
        if entry.study != study {
            return Err(bad("an entry of another study"));
        }
        if held.insert(s.id()) {
            entries.push((s.id(), entry));
            fresh.push(s);
        }
    }
    let roster = evaluate(study, anchor, entries);
    let keep = fresh
        .into_iter()
        .filter(|s| roster.valid.contains_key(&s.id()))
        .cloned()
        .collect();
    Ok(Some((roster, keep)))
}

/// Stores received entries already judged by [`with_received`], in the caller's transaction.
pub fn keep_entries(conn: &Connection, study: &str, entries: &[SignedEntry]) -> Result<()> {
    for s in entries {
        store_entry(conn, study, s)?;
    }
    Ok(())
}

impl Roster {
    /// The founder's key (tests and the members list).
    pub fn anchor(&self) -> PublicKey {
        self.anchor
    }
}

/// The role check of the write path: this laptop's role in each study it writes to, read
/// once per transaction.
#[derive(Default)]
pub(crate) struct WriteCheck {
    rosters: HashMap<String, Option<Roster>>,
    /// What was allowed already, by study and action: typing an attendance list asks the
    /// same question once per person.
    allowed: HashSet<(Option<String>, crate::schema::Action)>,
}

impl WriteCheck {
    /// Refuses a write of `entity` in `study` (None: shared records) that this node's role
    /// does not allow. A study without a roster here (unmanaged) is not checked; a shared
    /// record is refused only when every study naming this node refuses it.
    pub fn check(
        &mut self,
        conn: &Connection,
        node: &str,
        entity: crate::schema::Entity,
        study: Option<&str>,
    ) -> Result<()> {
        self.check_action(conn, node, crate::schema::Action::of_change(entity), study)
    }

    /// Refuses a write of `field` of `entity` that this node's role does not allow (an
    /// erasure asks more than an edit: `Action::of_field`).
    pub fn check_field(
        &mut self,
        conn: &Connection,
        node: &str,
        entity: crate::schema::Entity,
        field: &str,
        study: Option<&str>,
    ) -> Result<()> {
        let action = crate::schema::Action::of_field(entity, field);
        self.check_action(conn, node, action, study)
    }

    /// Refuses a repair (`changes::repair`) of a field of `entity` in `study` unless this
    /// node may both write that field and resolve conflicts there (a supervisor's decision).
    pub fn check_repair(
        &mut self,
        conn: &Connection,
        node: &str,
        entity: crate::schema::Entity,
        study: Option<&str>,
    ) -> Result<()> {
        self.check(conn, node, entity, study)?;
        let resolve = crate::schema::Action::ResolveConflicts;
        self.check_action(conn, node, resolve, study)
    }

    fn check_action(
        &mut self,
        conn: &Connection,
        node: &str,
        action: crate::schema::Action,
        study: Option<&str>,
    ) -> Result<()> {
        if self.allowed.contains(&(study.map(str::to_string), action)) {
            return Ok(());
        }
        self.decide(conn, node, action, study)?;
        self.allowed.insert((study.map(str::to_string), action));
        Ok(())
    }

    fn decide(
        &mut self,
        conn: &Connection,
        node: &str,
        action: crate::schema::Action,
        study: Option<&str>,
    ) -> Result<()> {
        let studies: Vec<String> = match study {
            Some(s) => vec![s.to_string()],
            None => {
                let mut stmt = conn.prepare_cached("SELECT study FROM study_anchors")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            }
        };
        let mut refusal = None;
        for s in &studies {
            if !self.rosters.contains_key(s) {
                self.rosters.insert(s.clone(), Roster::load(conn, s)?);
            }
            let Some(roster) = self.rosters.get(s).and_then(Option::as_ref) else {
                return Ok(());
            };
            let scope = study.unwrap_or("");
            match roster.current_role(node, scope) {
                Ok(role) if role.may(action) => return Ok(()),
                Ok(role) => refusal = Some(AuthorshipError::RoleRefused { role, action }),
                // Shared records: a study that does not name us has no say.
                Err(AuthorshipError::NotMember { .. }) if study.is_none() => {}
                Err(e) => refusal = Some(e),
            }
        }
        match refusal {
            Some(e) => Err(Error::Authorship(e)),
            None => Ok(()),
        }
    }

    /// Forgets what was read (after a roster entry is written in this transaction).
    pub fn forget(&mut self) {
        self.rosters.clear();
        self.allowed.clear();
    }
}
