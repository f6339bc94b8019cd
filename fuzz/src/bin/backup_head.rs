//! A backup file's first bytes (docs/design/backup.md): magic, version, head length, the head's
//! JSON and its key file, and the lengths it claims against the file's. What follows (the copy
//! and its check) is reached only with the key the passphrase unwraps through Argon2id, which a
//! fuzzer cannot pay for at each input; the check refuses any altered byte there.
use terrain_core::store::backup;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = backup::parse_head(data, data.len() as u64);
    });
}
