//! A bundle file as it comes off a USB stick: the container, its signature and its header tag,
//! then each batch opened with the corpus's study key and decoded. The reader streams from a
//! file (it never holds a bundle whole), so each input is written to one scratch file first.
use terrain_core::sync::bundle;

fn main() {
    let path = std::env::temp_dir().join(format!("terrain-fuzz-{}.terrain", std::process::id()));
    afl::fuzz!(|data: &[u8]| {
        if std::fs::write(&path, data).is_err() {
            return;
        }
        let Ok(signed) = bundle::read_signed(&path) else {
            return;
        };
        if signed.authenticate(&terrain_fuzz::STUDY_KEY).is_err() {
            return;
        }
        if let Ok(batches) = signed.batches(&terrain_fuzz::STUDY_KEY) {
            for packed in batches.flatten() {
                let _ = bundle::unpack(&packed);
            }
        }
    });
}
