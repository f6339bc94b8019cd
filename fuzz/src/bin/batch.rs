//! One batch's plaintext (after decryption and decompression): tables, counts, varints, lengths.
use terrain_core::sync::bundle;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = bundle::decode_batch(data);
    });
}
