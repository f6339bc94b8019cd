//! Writes the vocabulary (entity, field and choice labels) as TypeScript for the UI:
//! `vocabulary.ts` beside the types ts-rs generates, from the test below, so that
//! `scripts/check-bindings.sh` regenerates it with them and fails when it drifts.

use std::fmt::Write as _;

use super::entity::Entity;
use super::fields::{FieldDef, Kind};
use super::vocabulary::{Label, CHOICE_LISTS, NOT_RECORDED, UNKNOWN};
use crate::lang::Lang;

/// A TypeScript string literal.
fn lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn label(l: Label) -> String {
    format!("fr: {}, en: {}", lit(l.fr), lit(l.en))
}

fn field(def: &FieldDef) -> String {
    let list = match def.kind {
        Kind::Choice(list) => lit(list.name),
        _ => "null".to_string(),
    };
    let l = Label {
        fr: def.label(Lang::Fr),
        en: def.label(Lang::En),
    };
    format!("    {}: {{ {}, list: {list} }},\n", lit(def.name), label(l))
}

/// The whole file; the same bytes every time.
pub(crate) fn vocabulary_ts() -> String {
    let mut o = String::from(
        "// Generated from crates/core/src/schema (entity.rs, fields.rs, vocabulary.rs) by the test
// export_bindings_vocabulary: do not edit; `bash scripts/check-bindings.sh` regenerates it.
// Labels are written as they read inside a sentence; lib/i18n.svelte.ts shows them.
import type { Entity } from \"./Entity\";

/** A word or phrase in French and English. */
export type Label = { readonly fr: string; readonly en: string };

/** One allowed value of a choice field, and its label. */
export type Choice = Label & { readonly value: string };

/** The choice lists by their stable name, values in the order forms offer them. */
export const CHOICE_LISTS = {
",
    );
    for list in CHOICE_LISTS {
        let _ = writeln!(o, "  {}: [", lit(list.name));
        for c in list.choices {
            let _ = writeln!(o, "    {{ value: {}, {} }},", lit(c.value), label(c.label));
        }
        o.push_str("  ],\n");
    }
    o.push_str(
        "} as const satisfies Record<string, readonly Choice[]>;

export type ChoiceListName = keyof typeof CHOICE_LISTS;

/** A field's label, and the choice list its values come from. */
export type FieldLabel = Label & { readonly list: ChoiceListName | null };

export const ENTITY_LABELS: Readonly<Record<Entity, Label>> = {
",
    );
    for e in Entity::ALL {
        let l = Label {
            fr: e.label(Lang::Fr),
            en: e.label(Lang::En),
        };
        let _ = writeln!(o, "  {}: {{ {} }},", lit(e.as_str()), label(l));
    }
    o.push_str(
        "};

/** Each entity's fields by name, the tombstone (\"deleted\") included. */
export const FIELD_LABELS: Readonly<Record<Entity, Readonly<Record<string, FieldLabel>>>> = {
",
    );
    for e in Entity::ALL {
        let _ = writeln!(o, "  {}: {{", lit(e.as_str()));
        for def in e.fields().iter().chain(e.field(super::fields::DELETED)) {
            o.push_str(&field(def));
        }
        o.push_str("  },\n");
    }
    let _ = write!(
        o,
        "}};

/** The key statistics count a missing value under. */
export const UNKNOWN = {};

/** How a missing value reads in counts. */
export const NOT_RECORDED: Label = {{ {} }};
",
        lit(UNKNOWN),
        label(NOT_RECORDED)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Named like the tests ts-rs generates, so `cargo test --lib export_bindings` writes it
    /// with the other bindings (into TS_RS_EXPORT_DIR, as ts-rs does).
    #[test]
    fn export_bindings_vocabulary() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| "./bindings".into());
        let path = std::path::Path::new(&dir).join("vocabulary.ts");
        let text = vocabulary_ts();
        assert_eq!(text, vocabulary_ts(), "the same bytes every time");
        // Rewritten only when it changed, so a dev server does not reload for nothing.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(&dir).expect("bindings folder");
            std::fs::write(&path, text).expect("write vocabulary.ts");
        }
    }
}
