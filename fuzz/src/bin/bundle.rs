//! A bundle file as it comes off a USB stick: the container and its signature, then each batch
//! opened with the corpus's study key and decoded.
use terrain_core::sync::bundle;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(signed) = bundle::parse_signed(data) {
            for i in 0..signed.batch_count() {
                if let Ok(packed) = signed.open_batch(&terrain_fuzz::STUDY_KEY, i) {
                    let _ = bundle::unpack(&packed);
                }
            }
        }
    });
}
