//! The writer of the demo: walks the plan, drawing dates, places, teams, people and findings
//! from the seeded RNG, and writes them through the normal write path.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{json, Value as Json};
use ts_rs::TS;

use crate::changes::{Fields, Writer};
use crate::demo::audiences::{Audience, Mix};
use crate::demo::gazetteer::{fill, Gazetteer, Spot};
use crate::demo::people::{age_range, institutions, region_languages, roles, AGE_BANDS_ONLY};
use crate::demo::plans::{Block, StudyPlan};
use crate::demo::texts::{finding_texts, LATE_NOTE, NOTES};
use crate::error::{Error, Result};
use crate::read::records::get;
use crate::schema::{age_band_of, Entity};

/// What the demo wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    pub studies: u32,
    pub sessions: u32,
    /// Participants recorded one line each.
    pub participants: u32,
    /// Cells of tally grids (sign-in sheets) and the people they count.
    pub tallies: u32,
    pub people_tallied: u32,
    pub findings: u32,
    pub recommendations: u32,
    /// Distinct regions (2016 map) where sessions took place.
    pub regions: u32,
    /// Sessions left without a consent record, on purpose: a data-quality problem to find.
    pub sessions_without_consent: u32,
}

pub(super) struct Demo {
    rng: StdRng,
    gazetteer: Gazetteer,
    summary: DemoSummary,
    regions: BTreeSet<String>,
    study_ids: Vec<String>,
}

/// A session written, kept to link recommendations to it.
struct Written {
    id: String,
    session_type: &'static str,
}

impl Demo {
    pub(super) fn new(seed: u64, gazetteer: Gazetteer) -> Demo {
        Demo {
            rng: StdRng::seed_from_u64(seed),
            gazetteer,
            summary: DemoSummary::default(),
            regions: BTreeSet::new(),
            study_ids: Vec::new(),
        }
    }

    /// The ids of the studies written.
    pub(super) fn study_ids(&self) -> &[String] {
        &self.study_ids
    }

    /// What was written, once every study is.
    pub(super) fn summary(mut self) -> DemoSummary {
        self.summary.regions = self.regions.len() as u32;
        self.summary
    }

    pub(super) fn study(&mut self, w: &mut Writer<'_>, plan: &StudyPlan) -> Result<()> {
        let study = w.create(
            Entity::Study,
            &obj(json!({
                "title": plan.title,
                "organisation": plan.organisation,
                "donor": plan.donor,
                "theme": plan.theme,
                "description": plan.description,
                "start_date": plan.start,
                "end_date": plan.end,
                "status": "planned",
            })),
        )?;
        w.update(Entity::Study, &study, &obj(json!({"status": "ongoing"})))?;
        self.summary.studies += 1;
        self.study_ids.push(study.clone());
        let mut sessions: Vec<Written> = Vec::new();
        for block in plan.blocks {
            // Places are taken in turn from a random start, so a block visits all of them.
            let start = self.rng.gen_range(0..block.places.len().max(1));
            for i in 0..block.count {
                let place = block.places[(start + i) % block.places.len()];
                let s = self.session(w, &study, plan, block, place)?;
                sessions.push(s);
            }
        }
        if plan.status != "ongoing" {
            w.update(Entity::Study, &study, &obj(json!({"status": plan.status})))?;
        }
        self.duplicate_entered_by_mistake(w, &study, &sessions)?;
        self.recommendations(w, &study, plan, &sessions)
    }

    fn spot(
        &self,
        (region, cercle, commune): (&'static str, &'static str, &'static str),
    ) -> Result<Spot> {
        let (id, region_id) = self.gazetteer.find(region, cercle, commune)?;
        Ok(Spot {
            id,
            region_id,
            region,
            cercle,
            commune,
        })
    }

    fn session(
        &mut self,
        w: &mut Writer<'_>,
        study: &str,
        plan: &StudyPlan,
        block: &Block,
        place: (&'static str, &'static str, &'static str),
    ) -> Result<Written> {
        let spot = self.spot(place)?;
        self.regions.insert(spot.region_id.clone());
        let date = self.date(block.from, block.to)?;
        let audience = block.audience;
        let (languages, interpreter) = self.languages(audience, spot.region, block.size.1 == 1);
        let (facilitators, note_taker, woman_facilitator) =
            self.team(plan.team, audience.women_only, block.size.1 == 1);
        let duration = self.duration(block.session_type);
        let consent = self.consent(block.session_type, audience);
        let notes = if self.rng.gen_bool(0.55) {
            Some(*NOTES.choose(&mut self.rng).unwrap_or(&NOTES[0]))
        } else {
            None
        };
        let title = fill(block.title, &spot);
        let mut fields = obj(json!({
            "study_id": study,
            "session_type": block.session_type,
            "title": title,
            "date": date,
            "duration_minutes": duration,
            "place_id": spot.id,
            "languages": languages,
            "facilitators": facilitators,
            "note_taker": note_taker,
            "woman_facilitator": woman_facilitator,
            "women_only": audience.women_only,
            "interpreter": interpreter,
            "notes": notes,
        }));
        match consent {
            Some(c) => fields.extend(c),
            None => self.summary.sessions_without_consent += 1,
        }
        let id = w.create(Entity::Session, &fields)?;
        self.summary.sessions += 1;

        let size = self.rng.gen_range(block.size.0..=block.size.1);
        if block.tally {
            self.tally(w, &id, audience, size)?;
        } else {
            self.participants(w, &id, audience, size, &spot)?;
        }
        self.findings(w, &id, block.session_type, audience, &spot)?;
        // A report finished after the fact: the history shows the edit.
        if notes.is_some() && self.rng.gen_bool(0.12) {
            w.update(
                Entity::Session,
                &id,
                &obj(json!({"notes": format!("{}\n{LATE_NOTE}", notes.unwrap_or_default())})),
            )?;
        }
        Ok(Written {
            id,
            session_type: block.session_type,
        })
    }

    fn date(&mut self, from: &str, to: &str) -> Result<String> {
        let parse = |d: &str| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|e| Error::Internal(format!("demo date {d}: {e}")))
        };
        let (from, to) = (parse(from)?, parse(to)?);
        let span = (to - from).num_days().max(0);
        let mut day = from + Duration::days(self.rng.gen_range(0..=span));
        // No fieldwork on Sundays: the Saturday before, or the Monday after at a block's start.
        if day.weekday() == Weekday::Sun {
            day = if day > from {
                day - Duration::days(1)
            } else {
                day + Duration::days(1)
            };
        }
        Ok(day.format("%Y-%m-%d").to_string())
    }

    fn duration(&mut self, session_type: &str) -> i64 {
        let (lo, hi) = match session_type {
            "focus_group" => (90, 150),
            "individual_interview" => (40, 90),
            "key_informant_interview" => (35, 75),
            "workshop" => (240, 420),
            "validation_workshop" => (300, 420),
            "restitution" => (180, 300),
            _ => (120, 240),
        };
        self.rng.gen_range(lo / 5..=hi / 5) * 5
    }

    /// Languages spoken (BCP-47) and whether an interpreter was there.
    fn languages(
        &mut self,
        audience: &Audience,
        region: &str,
        one_person: bool,
    ) -> (Vec<&'static str>, bool) {
        let local = region_languages(region);
        let mut langs = vec!["fr"];
        if audience.french {
            if one_person || self.rng.gen_bool(0.7) {
                return (langs, false);
            }
            langs.push(local[0]);
            return (langs, false);
        }
        let first = local[0];
        if one_person {
            return (vec![first], self.rng.gen_bool(0.3));
        }
        langs.push(first);
        if local.len() > 1 && self.rng.gen_bool(0.35) {
            langs.push(local[1]);
        }
        let interpreter = langs.contains(&"taq") || self.rng.gen_bool(0.4);
        (langs, interpreter)
    }

    /// Facilitators, note-taker, and whether a woman facilitated. A women-only session is led
    /// by a woman.
    fn team(
        &mut self,
        team: &'static [(&'static str, bool)],
        women_only: bool,
        one_person: bool,
    ) -> (Vec<&'static str>, &'static str, bool) {
        let mut order: Vec<&(&str, bool)> = team.iter().collect();
        order.shuffle(&mut self.rng);
        if women_only {
            order.sort_by_key(|(_, woman)| !woman);
        }
        let n = if one_person { 1 } else { 2 };
        let chosen: Vec<&'static str> = order.iter().take(n).map(|(name, _)| *name).collect();
        let woman = order.iter().take(n).any(|(_, woman)| *woman);
        let note_taker = order.get(n).map(|(name, _)| *name).unwrap_or(order[0].0);
        (chosen, note_taker, woman)
    }

    /// The consent record, or None for the sessions left without one on purpose.
    fn consent(&mut self, session_type: &str, audience: &Audience) -> Option<Fields> {
        if self.rng.gen_bool(0.06) {
            return None;
        }
        let interview = session_type.ends_with("interview");
        let level = if interview || (session_type == "focus_group" && self.rng.gen_bool(0.35)) {
            "individual"
        } else {
            "group"
        };
        let form = match self.rng.gen_range(0..10) {
            0..=5 => "oral",
            6..=8 => "written",
            _ => "thumbprint",
        };
        let dsf = audience.french && !interview;
        let public = matches!(
            session_type,
            "workshop" | "validation_workshop" | "restitution" | "round_table"
        );
        Some(obj(json!({
            "consent_level": level,
            "consent_form": form,
            "consent_recording": self.rng.gen_bool(if dsf { 0.35 } else if interview { 0.8 } else { 0.6 }),
            "consent_quotes": self.rng.gen_bool(0.85),
            "consent_photos": !audience.women_only && self.rng.gen_bool(if public { 0.85 } else { 0.15 }),
        })))
    }

    fn pick_mix(&mut self, audience: &'static Audience) -> &'static Mix {
        let total: u32 = audience.mix.iter().map(|x| x.weight).sum();
        let mut n = self.rng.gen_range(0..total.max(1));
        for x in audience.mix {
            if n < x.weight {
                return x;
            }
            n -= x.weight;
        }
        &audience.mix[0]
    }

    fn age(&mut self, group: &str) -> i64 {
        let (lo, hi) = age_range(group);
        // The mean of two draws: most people in the middle of the range, a few at its ends.
        let a = self.rng.gen_range(lo..=hi);
        let b = self.rng.gen_range(lo..=hi);
        (a + b) / 2
    }

    fn participants(
        &mut self,
        w: &mut Writer<'_>,
        session: &str,
        audience: &'static Audience,
        size: usize,
        spot: &Spot,
    ) -> Result<()> {
        for _ in 0..size {
            let mix = self.pick_mix(audience);
            let woman = self.rng.gen_bool(mix.women);
            let sex = if woman { "female" } else { "male" };
            let roll = self.rng.gen_range(0..100);
            let (age, band) = match roll {
                0..=84 => (Some(self.age(mix.group)), None),
                85..=95 => (None, AGE_BANDS_ONLY.choose(&mut self.rng).copied()),
                _ => (None, None),
            };
            let institution = institutions(mix.group)
                .choose(&mut self.rng)
                .map(|t| fill(t, spot))
                .filter(|t| !t.is_empty());
            let role = roles(mix.group, woman).choose(&mut self.rng).copied();
            let consent = match self.rng.gen_range(0..100) {
                0..=93 => Some("given"),
                94..=96 => Some("unknown"),
                97 => Some("withdrawn"),
                _ => None,
            };
            let home = if self.rng.gen_bool(0.5) {
                Some(spot.id.clone())
            } else {
                None
            };
            w.create(
                Entity::Participant,
                &obj(json!({
                    "session_id": session,
                    "sex": sex,
                    "age": age,
                    "age_band": band,
                    "actor_group": mix.group,
                    "institution": institution,
                    "role": role,
                    "home_commune_id": home,
                    "consent": consent,
                })),
            )?;
            self.summary.participants += 1;
        }
        Ok(())
    }

    /// A sign-in sheet: people counted by sex × age band × actor group.
    fn tally(
        &mut self,
        w: &mut Writer<'_>,
        session: &str,
        audience: &'static Audience,
        size: usize,
    ) -> Result<()> {
        let mut cells: BTreeMap<(&'static str, &'static str, &'static str), i64> = BTreeMap::new();
        for _ in 0..size {
            let mix = self.pick_mix(audience);
            let sex = if self.rng.gen_bool(mix.women) {
                "female"
            } else {
                "male"
            };
            let band = age_band_of(self.age(mix.group));
            *cells.entry((sex, band, mix.group)).or_default() += 1;
        }
        for ((sex, band, group), count) in cells {
            w.create(
                Entity::Tally,
                &obj(json!({
                    "session_id": session,
                    "sex": sex,
                    "age_band": band,
                    "actor_group": group,
                    "count": count,
                })),
            )?;
            self.summary.tallies += 1;
            self.summary.people_tallied += count as u32;
        }
        Ok(())
    }

    fn findings(
        &mut self,
        w: &mut Writer<'_>,
        session: &str,
        session_type: &str,
        audience: &'static Audience,
        spot: &Spot,
    ) -> Result<()> {
        let n = match session_type {
            "focus_group" => self.rng.gen_range(1..=3),
            "individual_interview" | "key_informant_interview" => self.rng.gen_range(1..=2),
            "workshop" | "round_table" => self.rng.gen_range(2..=3),
            "validation_workshop" => 1,
            _ => self.rng.gen_range(0..=1),
        };
        let mut themes: Vec<&'static str> = audience.themes.to_vec();
        themes.shuffle(&mut self.rng);
        for theme in themes.into_iter().take(n) {
            let text = finding_texts(theme)
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default();
            let speaker = self.pick_mix(audience).group;
            w.create(
                Entity::Finding,
                &obj(json!({
                    "session_id": session,
                    "theme": theme,
                    "text": fill(text, spot),
                    "speaker_category": speaker,
                })),
            )?;
            self.summary.findings += 1;
        }
        Ok(())
    }

    /// One session typed twice by mistake and deleted: the "deleted" view has something to restore.
    fn duplicate_entered_by_mistake(
        &mut self,
        w: &mut Writer<'_>,
        study: &str,
        sessions: &[Written],
    ) -> Result<()> {
        let Some(original) = sessions.iter().find(|s| s.session_type == "focus_group") else {
            return Ok(());
        };
        let row = get(w.conn(), Entity::Session, &original.id)?;
        let mut fields = Fields::new();
        for key in [
            "session_type",
            "title",
            "date",
            "place_id",
            "duration_minutes",
        ] {
            if let Some(v) = row.fields.get(key) {
                fields.insert(key.to_string(), v.clone());
            }
        }
        fields.insert("study_id".into(), json!(study));
        fields.insert(
            "notes".into(),
            json!("Saisie en double de la séance, à supprimer."),
        );
        let id = w.create(Entity::Session, &fields)?;
        w.delete(Entity::Session, &id)
    }

    fn recommendations(
        &mut self,
        w: &mut Writer<'_>,
        study: &str,
        plan: &StudyPlan,
        sessions: &[Written],
    ) -> Result<()> {
        let sources: Vec<&Written> = sessions
            .iter()
            .filter(|s| {
                matches!(
                    s.session_type,
                    "focus_group" | "workshop" | "round_table" | "key_informant_interview"
                )
            })
            .collect();
        let validation = sessions
            .iter()
            .find(|s| s.session_type == "validation_workshop");
        for rec in plan.recommendations {
            let n = self.rng.gen_range(1..=3);
            let mut from: Vec<&str> = sources
                .choose_multiple(&mut self.rng, n)
                .map(|s| s.id.as_str())
                .collect();
            from.sort();
            let id = w.create(
                Entity::Recommendation,
                &obj(json!({
                    "study_id": study,
                    "text": rec.text,
                    "theme": rec.theme,
                    "target_institution": rec.target,
                    "level": rec.level,
                    "status": "proposed",
                    "source_sessions": from,
                })),
            )?;
            self.summary.recommendations += 1;
            // Each step is its own update, so the status history shows the way it went.
            for step in status_path(rec.status) {
                let mut fields = obj(json!({ "status": step }));
                if *step == "validated" {
                    if let Some(v) = validation {
                        fields.insert("validated_at".into(), json!(v.id));
                    }
                }
                w.update(Entity::Recommendation, &id, &fields)?;
            }
        }
        Ok(())
    }
}

/// The statuses a recommendation goes through after "proposed" to end at `last`.
fn status_path(last: &str) -> &'static [&'static str] {
    match last {
        "validated" => &["validated"],
        "adopted" => &["validated", "adopted"],
        "in_progress" => &["validated", "adopted", "in_progress"],
        "implemented" => &["validated", "adopted", "in_progress", "implemented"],
        "dropped" => &["validated", "dropped"],
        _ => &[],
    }
}

fn obj(value: Json) -> Fields {
    match value {
        Json::Object(map) => map.into_iter().collect(),
        _ => Fields::new(),
    }
}
