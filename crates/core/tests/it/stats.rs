//! Dashboard figures against answers worked out by hand on the fixed dataset.

use terrain_core::read::{KeyCount, SessionFilter};
use terrain_core::stats::{self, StatsFilter};

use crate::support::stats_fixture::*;

fn kc(list: &[KeyCount]) -> Vec<(String, i64, i64)> {
    list.iter()
        .map(|k| (k.key.clone(), k.women, k.men))
        .collect()
}

fn owned(v: &[(&str, i64, i64)]) -> Vec<(String, i64, i64)> {
    v.iter().map(|(k, w, m)| (k.to_string(), *w, *m)).collect()
}

fn study(f: &Fixture) -> StatsFilter {
    StatsFilter {
        filter: SessionFilter {
            study_id: Some(f.study_a.clone()),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn people_by_region_and_actor_group() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let c = fx.store.conn();
    let p = stats::people(c, &study(&fx)).expect("people");
    assert_eq!((p.women, p.men), (9, 5));
    assert_eq!(
        kc(&p.by_actor_group),
        owned(&[
            ("administrative_authority", 0, 1),
            ("armed_forces", 0, 2),
            ("civil_society", 1, 0),
            ("gendarmerie", 0, 2),
            ("police", 1, 0),
            ("womens_association", 3, 0),
            ("youth", 4, 0),
        ])
    );
    let regions: Vec<(String, Option<String>, i64, i64)> = p
        .by_region
        .iter()
        .map(|r| {
            (
                r.region.name.clone(),
                r.region.pcode.clone(),
                r.women,
                r.men,
            )
        })
        .collect();
    assert_eq!(
        regions,
        vec![
            ("Kayes".to_string(), Some("ML01".to_string()), 8, 1),
            ("Ségou".to_string(), Some("ML04".to_string()), 1, 4),
        ]
    );
    assert!(p.by_age_band.is_empty(), "age bands only when asked");

    let mut f = study(&fx);
    f.by_age = true;
    let p = stats::people(c, &f).expect("people");
    assert_eq!(
        kc(&p.by_region[0].by_age_band),
        owned(&[
            ("18_24", 5, 0),
            ("25_35", 2, 0),
            ("36_59", 1, 0),
            ("unknown", 0, 1)
        ])
    );

    // Filters: region, type, period, other study, everything.
    let mut f = study(&fx);
    f.filter.region_id = Some(SEGOU.into());
    let p = stats::people(c, &f).expect("people");
    assert_eq!((p.women, p.men), (1, 4));
    let mut f = study(&fx);
    f.filter.session_type = Some("focus_group".into());
    assert_eq!(
        stats::people(c, &f).map(|p| (p.women, p.men)).expect("p"),
        (8, 0)
    );
    let mut f = study(&fx);
    f.filter.date_from = Some("2025-02-01".into());
    f.filter.date_to = Some("2025-02-28".into());
    assert_eq!(
        stats::people(c, &f).map(|p| (p.women, p.men)).expect("p"),
        (1, 4)
    );
    let f = StatsFilter {
        filter: SessionFilter {
            study_id: Some(fx.study_b.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(
        stats::people(c, &f).map(|p| (p.women, p.men)).expect("p"),
        (0, 2)
    );
    assert_eq!(
        stats::people(c, &StatsFilter::default())
            .map(|p| (p.women, p.men))
            .expect("p"),
        (9, 7)
    );
}

#[test]
fn sessions_types_and_follow_up() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let c = fx.store.conn();
    let s = stats::sessions(c, &study(&fx)).expect("sessions");
    assert_eq!((s.sessions, s.women, s.men), (4, 9, 5));
    let types: Vec<(String, i64, i64, i64)> = s
        .by_type
        .iter()
        .map(|t| (t.session_type.clone(), t.sessions, t.women, t.men))
        .collect();
    assert_eq!(
        types,
        vec![
            ("focus_group".into(), 2, 8, 0),
            ("validation_workshop".into(), 1, 0, 1),
            ("workshop".into(), 1, 1, 4),
        ]
    );
    let kayes = &s.by_region[0];
    assert_eq!(
        (
            kayes.region.name.as_str(),
            kayes.sessions,
            kayes.women,
            kayes.men
        ),
        ("Kayes", 3, 8, 1)
    );
    let follow: Vec<(String, i64, i64, i64)> = s
        .awaiting_follow_up
        .iter()
        .map(|f| {
            (
                f.region.name.clone(),
                f.consultations,
                f.validations,
                f.restitutions,
            )
        })
        .collect();
    assert_eq!(
        follow,
        vec![("Kayes".into(), 2, 1, 0), ("Ségou".into(), 1, 0, 0)]
    );
    // The type filter does not hide the validation workshop from the follow-up question.
    let mut f = study(&fx);
    f.filter.session_type = Some("focus_group".into());
    let s = stats::sessions(c, &f).expect("sessions");
    assert_eq!(s.sessions, 2);
    assert_eq!(s.awaiting_follow_up[0].validations, 1);
}

#[test]
fn dsf_by_institution() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let d = stats::dsf(fx.store.conn(), &study(&fx)).expect("dsf");
    assert_eq!((d.women, d.men), (1, 4));
    assert_eq!(
        kc(&d.by_group),
        owned(&[
            ("police", 1, 0),
            ("gendarmerie", 0, 2),
            ("national_guard", 0, 0),
            ("armed_forces", 0, 2),
            ("civil_protection", 0, 0),
        ])
    );
    let inst: Vec<(String, String, i64, i64)> = d
        .by_institution
        .iter()
        .map(|i| (i.actor_group.clone(), i.institution.clone(), i.women, i.men))
        .collect();
    assert_eq!(
        inst,
        vec![
            ("armed_forces".into(), "".into(), 0, 2),
            ("gendarmerie".into(), "Gendarmerie nationale".into(), 0, 2),
            ("police".into(), "Police nationale".into(), 1, 0),
        ]
    );
}

#[test]
fn methods_shares_and_languages() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let m = stats::methods(fx.store.conn(), &study(&fx)).expect("methods");
    assert_eq!(m.sessions, 4);
    let sh = |s: &stats::Share| (s.yes, s.no, s.unknown, s.women, s.men);
    assert_eq!(sh(&m.women_only), (1, 1, 2, 7, 0));
    assert_eq!(sh(&m.woman_facilitator), (1, 1, 2, 7, 0));
    assert_eq!(sh(&m.interpreter), (1, 1, 2, 1, 4));
    let langs: Vec<(String, i64, i64, i64)> = m
        .languages
        .iter()
        .map(|l| (l.language.clone(), l.sessions, l.women, l.men))
        .collect();
    assert_eq!(langs, vec![("bm".into(), 2, 8, 4), ("fr".into(), 1, 7, 0)]);
}

#[test]
fn recommendations_by_theme_status_and_age() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let mut f = study(&fx);
    let as_of = chrono::Utc::now().date_naive() + chrono::Duration::days(40);
    f.as_of = Some(as_of.to_string());
    let r = stats::recommendations(fx.store.conn(), &f).expect("recs");
    assert_eq!(r.total, 3);
    let counts = |v: &[stats::Count]| {
        v.iter()
            .map(|c| (c.key.clone(), c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(&r.by_theme),
        vec![("justice".into(), 2), ("police".into(), 1)]
    );
    assert_eq!(
        counts(&r.by_status),
        vec![
            ("implemented".into(), 1),
            ("proposed".into(), 1),
            ("validated".into(), 1)
        ]
    );
    assert_eq!(
        counts(&r.by_target),
        vec![
            ("Gouvernorat de Kayes".into(), 1),
            ("Police nationale".into(), 1),
            ("unknown".into(), 1)
        ]
    );
    assert_eq!(
        counts(&r.open_by_age),
        vec![
            ("0_30".into(), 0),
            ("31_90".into(), 2),
            ("91_180".into(), 0),
            ("181_365".into(), 0),
            ("over_365".into(), 0)
        ]
    );
    let mut open: Vec<&str> = r.open.iter().map(|o| o.id.as_str()).collect();
    open.sort();
    let mut want = vec![fx.r[0].as_str(), fx.r[2].as_str()];
    want.sort();
    assert_eq!(open, want);
    assert!(r.open.iter().all(|o| (39..=41).contains(&o.days_open)));
    // Narrowed to Ségou: only the recommendation drawn from the Pelengana workshop.
    f.filter.region_id = Some(SEGOU.into());
    let r = stats::recommendations(fx.store.conn(), &f).expect("recs");
    assert_eq!(r.total, 1);
    assert!(r.open.is_empty());
}

#[test]
fn quality_consent_and_duplicates() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let q = stats::quality(fx.store.conn(), &study(&fx)).expect("quality");
    let without: Vec<&str> = q.without_consent.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(without, vec![fx.s[1].as_str()]);
    assert_eq!((q.without_consent_women, q.without_consent_men), (1, 4));
    assert_eq!(q.duplicate_sessions.len(), 1);
    let mut ids: Vec<&str> = q.duplicate_sessions[0]
        .sessions
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    ids.sort();
    let mut want = vec![fx.s[0].as_str(), fx.s[3].as_str()];
    want.sort();
    assert_eq!(ids, want);
    let devices: Vec<Option<&str>> = q.duplicate_sessions[0]
        .sessions
        .iter()
        .map(|s| s.device.as_deref())
        .collect();
    assert!(devices.contains(&Some(OTHER_NODE)));
    assert!(devices.contains(&Some(fx.store.node_id())));
    let dups: Vec<(String, Option<String>, String, usize, i64, i64)> = q
        .duplicate_participants
        .iter()
        .map(|d| {
            (
                d.reason.clone(),
                d.sex.clone(),
                d.key.clone(),
                d.participant_ids.len(),
                d.women,
                d.men,
            )
        })
        .collect();
    assert_eq!(
        dups,
        vec![
            ("code".into(), None, "X-1".into(), 2, 1, 1),
            (
                "profile".into(),
                // The sex apart, as a choice value the screen labels (« homme »).
                Some("male".into()),
                "35 · Gendarmerie nationale · chef de brigade".into(),
                2,
                0,
                2
            ),
        ]
    );
    assert_eq!(
        (q.duplicate_session_groups, q.duplicate_participant_groups),
        (1, 2)
    );
}

#[test]
fn activity_per_facilitator_and_device() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let a = stats::activity(fx.store.conn(), &study(&fx)).expect("activity");
    let who = |v: &[stats::WhoCount]| {
        v.iter()
            .map(|w| (w.key.clone(), w.sessions, w.women, w.men))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        who(&a.by_facilitator),
        vec![
            ("".into(), 2, 1, 1),
            ("Awa Traoré".into(), 2, 8, 4),
            ("Moussa Coulibaly".into(), 1, 1, 4),
        ]
    );
    assert_eq!(
        who(&a.by_device),
        vec![
            (fx.store.node_id().to_string(), 3, 8, 5),
            (OTHER_NODE.to_string(), 1, 1, 0)
        ]
    );
}

#[test]
fn dashboard_agrees_with_the_single_queries() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let c = fx.store.conn();
    let mut f = study(&fx);
    f.filter.session_type = Some("focus_group".into());
    let d = stats::dashboard(c, &f).expect("dashboard");
    assert_eq!((d.people.women, d.people.men), (8, 0));
    assert_eq!(d.sessions.sessions, 2);
    assert_eq!(d.sessions.awaiting_follow_up.len(), 2);
    assert_eq!(d.methods.sessions, 2);
    assert_eq!(d.recommendations.total, 1);
    assert_eq!(d.quality.duplicate_sessions.len(), 1);
    let json = serde_json::to_value(&d).expect("json");
    assert_eq!(json["people"]["women"], 8);
}
