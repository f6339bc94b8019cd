//! Places of the 2016 map, found by name, and the place of a session.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::schema::Entity;

/// Where a session took place: the place's id and the names of its region, cercle, commune.
pub(super) struct Spot {
    pub(super) id: String,
    pub(super) region_id: String,
    pub(super) region: &'static str,
    pub(super) cercle: &'static str,
    pub(super) commune: &'static str,
}

pub(super) fn fill(template: &str, spot: &Spot) -> String {
    template
        .replace("{lieu}", spot.commune)
        .replace("{cercle}", spot.cercle)
        .replace("{region}", spot.region)
}

pub(super) struct Gazetteer {
    /// (kind, name, parent id) → id.
    pub(super) by_name: BTreeMap<(String, String, Option<String>), String>,
}

impl Gazetteer {
    pub(super) fn load(conn: &Connection) -> Result<Gazetteer> {
        let mut stmt = conn.prepare(
            "SELECT id, kind, name, parent_id FROM place
              WHERE deleted = 0 AND map_version = '2016' AND kind IN ('region', 'cercle', 'commune')",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ),
                r.get::<_, String>(0)?,
            ))
        })?;
        let mut by_name = BTreeMap::new();
        for row in rows {
            let (key, id) = row?;
            by_name.insert(key, id);
        }
        Ok(Gazetteer { by_name })
    }

    /// The commune's id (or its cercle's, or its region's, if a finer level is missing) and the
    /// region's id.
    pub(super) fn find(
        &self,
        region: &str,
        cercle: &str,
        commune: &str,
    ) -> Result<(String, String)> {
        let get = |kind: &str, name: &str, parent: Option<&String>| {
            self.by_name
                .iter()
                .find(|((k, n, p), _)| {
                    k == kind && n == name && (parent.is_none() || p.as_ref() == parent)
                })
                .map(|(_, id)| id.clone())
        };
        let region_id = get("region", region, None).ok_or_else(|| Error::NotFound {
            entity: Entity::Place,
            id: region.to_string(),
        })?;
        let Some(cercle_id) = get("cercle", cercle, Some(&region_id)) else {
            return Ok((region_id.clone(), region_id));
        };
        let place = get("commune", commune, Some(&cercle_id)).unwrap_or(cercle_id);
        Ok((place, region_id))
    }
}
