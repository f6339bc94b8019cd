//! The record of an export travels with its study's sync: the coordinator who receives the
//! laptop's bundle sees who exported what, when, and with which filters.

use serde_json::{json, Value};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::{self as query, ListOptions, SessionFilter};
use terrain_core::schema::Role;
use terrain_core::sync;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{Entity, Store};

use crate::support::fields;

#[test]
fn an_export_record_syncs_with_its_study() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut laptop = Store::open_in_dir(&dir.path().join("laptop")).expect("open");
    let mut office = Store::open_in_dir(&dir.path().join("office")).expect("open");
    let study = laptop
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .expect("study");
    sync::join_invitation(
        &office,
        &sync::invite(&laptop, &study, Role::Coordinator).expect("invite"),
    )
    .expect("join");
    let opts = ExportOptions {
        filter: SessionFilter {
            study_id: Some(study.clone()),
            date_from: Some("2025-01-01".into()),
            ..Default::default()
        },
        anonymised: true,
        min_cell: 10,
        user_name: Some("Awa".into()),
        ..Default::default()
    };
    let sum = export::run(
        &mut laptop,
        Format::Json,
        &dir.path().join("x.json"),
        &opts,
        &mut |_| {},
    )
    .expect("export");

    let bundle = dir.path().join("b.terrain");
    let target = ExportTarget::For(office.node_id().to_string());
    bundle::export_bundle(&laptop, &study, &target, &bundle, &mut |_| {}).expect("bundle");
    bundle::import_bundle(&mut office, &bundle, &mut |_| {}).expect("import");

    let seen = query::list(office.conn(), Entity::Export, &ListOptions::default()).expect("list");
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.id, sum.export_id);
    assert_eq!(r.text("node_id"), Some(laptop.node_id()));
    assert_eq!(r.text("user_name"), Some("Awa"));
    assert_eq!(r.text("format"), Some("json"));
    assert_eq!(r.fields["anonymised"], Value::Bool(true));
    assert_eq!(r.fields["min_cell"], Value::from(10));
    let filters: Value = serde_json::from_str(r.text("filters").expect("filters")).expect("json");
    assert_eq!(
        filters,
        json!({"study_id": study, "date_from": "2025-01-01"})
    );
    assert!(r.text("exported_at").is_some_and(|t| t.ends_with('Z')));
}
