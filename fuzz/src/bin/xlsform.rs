//! An XLSForm file as a team sends it (docs/design/forms.md): the container (a zip for .xlsx,
//! a compound file for .xls), its sheets and cells, then every row read into a form and
//! checked. A refusal is fine; a panic, an overflow or a runaway allocation is a crash.
use terrain_core::forms::xlsform;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = xlsform::import_bytes(data, "fuzz.xlsx");
    });
}
