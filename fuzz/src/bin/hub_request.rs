//! A request to the hub: its route, headers and opened body (see crates/hub/src/fuzzing.rs).
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = terrain_hub::fuzzing::request(data);
    });
}
