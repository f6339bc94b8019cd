//! The vocabulary: every entity, field and choice value has a label in French and English,
//! written as it reads inside a sentence, and the lists agree with what uses them.

use std::collections::BTreeSet;

use terrain_core::schema::{
    self, ChoiceList, Kind, Label, CHOICE_LISTS, CONSENT, NOT_RECORDED, SESSION_TYPE,
};
use terrain_core::{Entity, Lang};

/// Lower case first unless a name or an acronym ("P-code", "CSV"); plain apostrophes.
fn check(what: &str, l: Label, problems: &mut Vec<String>) {
    for text in [l.fr, l.en] {
        let mut chars = text.chars();
        let capitalised = matches!(
            (chars.next(), chars.next()),
            (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase()
        );
        if text.trim().is_empty() || text.trim() != text {
            problems.push(format!("{what}: empty or padded label {text:?}"));
        }
        if capitalised {
            problems.push(format!(
                "{what}: {text:?} is capitalised (the UI does that)"
            ));
        }
        if text.contains('’') {
            problems.push(format!("{what}: {text:?} has a typographic apostrophe"));
        }
    }
}

#[test]
fn every_entity_field_and_value_has_a_label_in_both_languages() {
    let mut problems = Vec::new();
    for e in Entity::ALL {
        let label = Label {
            fr: e.label(Lang::Fr),
            en: e.label(Lang::En),
        };
        check(e.as_str(), label, &mut problems);
        for f in e.fields().iter().chain(e.field(schema::DELETED)) {
            let label = Label {
                fr: f.label(Lang::Fr),
                en: f.label(Lang::En),
            };
            check(&format!("{e}.{}", f.name), label, &mut problems);
        }
    }
    let mut names = BTreeSet::new();
    for list in CHOICE_LISTS {
        if !names.insert(list.name) {
            problems.push(format!("two lists are named {}", list.name));
        }
        let mut values = BTreeSet::new();
        for c in list.choices {
            if !values.insert(c.value) {
                problems.push(format!("{}: {} is listed twice", list.name, c.value));
            }
            check(
                &format!("{}.{}", list.name, c.value),
                c.label,
                &mut problems,
            );
        }
    }
    check("not recorded", NOT_RECORDED, &mut problems);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_choice_field_reads_a_list_the_ui_receives() {
    let exported: Vec<&ChoiceList> = CHOICE_LISTS.to_vec();
    for e in Entity::ALL {
        for f in e.fields() {
            if let Kind::Choice(list) = f.kind {
                assert!(
                    exported.contains(&list),
                    "{e}.{} reads the list {}, missing from CHOICE_LISTS",
                    f.name,
                    list.name
                );
            }
        }
    }
}

#[test]
fn the_plain_value_lists_and_the_statistics_buckets_follow_the_vocabulary() {
    let values = |l: &ChoiceList| l.values().collect::<Vec<_>>();
    assert_eq!(schema::SEXES, values(&schema::SEX));
    assert_eq!(schema::SESSION_TYPES, values(&SESSION_TYPE));
    assert_eq!(schema::AGE_BANDS, values(&schema::AGE_BAND));
    assert_eq!(schema::ACTOR_GROUPS, values(&schema::ACTOR_GROUP));
    assert_eq!(schema::PARTICIPANT_CONSENT, values(&CONSENT));
    assert!(schema::DSF_GROUPS
        .iter()
        .all(|g| schema::ACTOR_GROUP.contains(g)));
    for age in [0, 17, 18, 30, 59, 60, 120] {
        assert!(schema::AGE_BAND.contains(schema::age_band_of(age)));
    }
}

#[test]
fn a_counted_value_reads_as_its_label_or_as_not_recorded() {
    assert_eq!(
        SESSION_TYPE.read("focus_group", Lang::Fr),
        "groupe de discussion"
    );
    assert_eq!(SESSION_TYPE.read("focus_group", Lang::En), "focus group");
    // Statistics count a missing value under "unknown"...
    assert_eq!(SESSION_TYPE.read("unknown", Lang::Fr), "non renseigné");
    assert_eq!(SESSION_TYPE.read("", Lang::En), "not recorded");
    // ...unless the list has a value of that name.
    assert_eq!(CONSENT.read("unknown", Lang::Fr), "inconnu");
    // A value from an older or newer version of Terrain is shown as stored.
    assert_eq!(SESSION_TYPE.read("picnic", Lang::Fr), "picnic");
}
