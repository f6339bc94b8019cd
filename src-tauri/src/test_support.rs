//! Helpers shared by the unit tests.

use terrain_core::Fields;

/// A record's fields, written as a JSON object.
pub(crate) fn fields(v: serde_json::Value) -> Fields {
    serde_json::from_value(v).expect("fields")
}
