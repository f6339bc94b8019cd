//! The gazetteer: places with their parents (region → cercle → commune → village...).

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;

/// How place names and searches are compared (one home: `store::words`).
pub use crate::store::words::fold;

#[derive(Debug, Clone)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub pcode: Option<String>,
    pub map_version: Option<String>,
}

/// A place found by a search, with its full path for display.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlaceHit {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub pcode: Option<String>,
    pub map_version: Option<String>,
    /// "Ségou › Ségou › Pelengana"
    pub path: String,
}

/// All live places in memory (a few thousand rows), to walk parents cheaply.
pub struct PlaceIndex {
    places: HashMap<String, Place>,
}

impl PlaceIndex {
    pub fn load(conn: &Connection) -> Result<PlaceIndex> {
        let mut stmt = conn.prepare(
            "SELECT id, name, kind, parent_id, pcode, map_version FROM place WHERE deleted = 0",
        )?;
        let places = stmt
            .query_map([], |r| {
                Ok(Place {
                    id: r.get(0)?,
                    name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    kind: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    parent_id: r.get(3)?,
                    pcode: r.get(4)?,
                    map_version: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(PlaceIndex {
            places: places.into_iter().map(|p| (p.id.clone(), p)).collect(),
        })
    }

    pub fn get(&self, id: &str) -> Option<&Place> {
        self.places.get(id)
    }

    /// The place and its ancestors, nearest first. Stops on a cycle.
    pub fn lineage(&self, id: &str) -> Vec<&Place> {
        let mut out: Vec<&Place> = Vec::new();
        let mut next = self.places.get(id);
        while let Some(p) = next {
            if out.iter().any(|q| q.id == p.id) || out.len() > 16 {
                break;
            }
            out.push(p);
            next = p.parent_id.as_deref().and_then(|pid| self.places.get(pid));
        }
        out
    }

    /// The region a place lies in (itself when it is a region).
    pub fn region_of(&self, id: &str) -> Option<&Place> {
        self.lineage(id).into_iter().find(|p| p.kind == "region")
    }

    /// The ancestor of a given kind (region, cercle, commune).
    pub fn ancestor_of_kind(&self, id: &str, kind: &str) -> Option<&Place> {
        self.lineage(id).into_iter().find(|p| p.kind == kind)
    }

    /// "Ségou › Ségou › Pelengana", leaving out the country.
    pub fn path(&self, id: &str) -> String {
        let mut names: Vec<&str> = self
            .lineage(id)
            .into_iter()
            .filter(|p| p.kind != "country")
            .map(|p| p.name.as_str())
            .collect();
        names.reverse();
        names.join(" › ")
    }

    pub fn hit(&self, p: &Place) -> PlaceHit {
        PlaceHit {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.clone(),
            pcode: p.pcode.clone(),
            map_version: p.map_version.clone(),
            path: self.path(&p.id),
        }
    }

    /// Places whose name or P-code matches `text` (accents and case ignored), regions first,
    /// then cercles, communes and user places.
    pub fn search(&self, text: &str, limit: usize) -> Vec<PlaceHit> {
        let needle = fold(text.trim());
        let mut found: Vec<&Place> = self
            .places
            .values()
            .filter(|p| p.kind != "country")
            .filter(|p| {
                needle.is_empty()
                    || fold(&p.name).contains(&needle)
                    || p.pcode
                        .as_deref()
                        .is_some_and(|c| fold(c).starts_with(&needle))
            })
            .collect();
        found.sort_by_key(|p| {
            (
                !fold(&p.name).starts_with(&needle),
                kind_rank(&p.kind),
                fold(&p.name),
                self.path(&p.id),
            )
        });
        found.into_iter().take(limit).map(|p| self.hit(p)).collect()
    }
}

/// One place with its full path ("Ségou › Ségou › Pelengana"), for showing a chosen place.
pub fn place_with_path(conn: &Connection, id: &str) -> Result<Option<PlaceHit>> {
    let index = PlaceIndex::load(conn)?;
    Ok(index.get(id).map(|p| index.hit(p)))
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "region" => 0,
        "cercle" => 1,
        "commune" => 2,
        _ => 3,
    }
}
