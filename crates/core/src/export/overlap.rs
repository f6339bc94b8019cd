//! The anonymised exports made on this laptop (a local table, never synced), and the warning
//! a new one gives when its sessions overlap an earlier one's: some in common but not the
//! same set. Each export hides its small counts, but the difference of two aggregates over
//! overlapping sets of sessions is an aggregate over the few sessions in one and not the
//! other, and can single a person out.

use std::collections::BTreeSet;

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::read::filter::SessionFilter;

/// An earlier anonymised export whose sessions overlap the new one's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "ExportOverlap")]
pub struct Overlap {
    /// When the earlier export was made (RFC 3339, UTC).
    pub exported_at: String,
    /// Sessions in both exports.
    pub shared: u64,
    /// Sessions of the earlier export.
    pub earlier: u64,
    /// Sessions of the new export.
    pub new: u64,
}

impl Overlap {
    /// The warning, for the command line and the app.
    pub fn message(&self, lang: Lang) -> String {
        let Overlap {
            exported_at,
            shared,
            earlier,
            new,
        } = self;
        match lang {
            Lang::Fr => format!(
                "Attention : l'export anonymisé du {exported_at} ({earlier} séance(s)) a {shared} \
                 séance(s) en commun avec celui-ci ({new} séance(s)) sans porter sur les mêmes. \
                 La différence de deux agrégats qui se recouvrent peut désigner une personne : \
                 ne partagez pas les deux."
            ),
            Lang::En => format!(
                "Warning: the anonymised export of {exported_at} ({earlier} session(s)) shares \
                 {shared} session(s) with this one ({new} session(s)) without covering the same \
                 ones. The difference of two overlapping aggregates can single a person out: \
                 do not share both."
            ),
        }
    }
}

fn damaged(what: &str) -> Error {
    Error::Damaged(format!("anonymised_exports: {what}"))
}

/// The noted exports whose sessions overlap `sessions` without being the same set.
pub(crate) fn overlaps(conn: &Connection, sessions: &[String]) -> Result<Vec<Overlap>> {
    let new: BTreeSet<&str> = sessions.iter().map(String::as_str).collect();
    let mut stmt =
        conn.prepare("SELECT exported_at, sessions FROM anonymised_exports ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let exported_at: String = r.get(0)?;
        let listed: String = r.get(1)?;
        let earlier: BTreeSet<String> =
            serde_json::from_str(&listed).map_err(|_| damaged("a session list"))?;
        let shared = earlier.iter().filter(|s| new.contains(s.as_str())).count();
        let same = shared == earlier.len() && shared == new.len();
        if shared > 0 && !same {
            out.push(Overlap {
                exported_at,
                shared: shared as u64,
                earlier: earlier.len() as u64,
                new: new.len() as u64,
            });
        }
    }
    Ok(out)
}

/// Notes an anonymised export made here (its filter and minimum cell), for the next one's
/// [`overlaps`].
pub(crate) fn note(
    conn: &Connection,
    (filter, min_cell): (&SessionFilter, i64),
    (node, exported_at): (&str, &str),
    sessions: &[String],
) -> Result<()> {
    let listed = serde_json::to_string(sessions).map_err(|e| Error::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO anonymised_exports(study, filter, min_cell, exported_at, node, sessions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            filter.study(),
            filter.to_json().to_string(),
            min_cell,
            exported_at,
            node,
            listed
        ],
    )?;
    Ok(())
}
