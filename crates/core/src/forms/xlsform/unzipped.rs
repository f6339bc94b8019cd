//! An `.xlsx` is a zip: a 20 MB file may unpack to gigabytes (a "zip bomb"), which the
//! spreadsheet reader would hold in memory (its shared strings are read whole). Before it
//! reads anything, every entry is unpacked once into nothing, counting, and the file is refused
//! past a bound no real form comes near.

use std::io::{Cursor, Read, Write};

use crate::error::{FormIssue, IssueKind};

/// At most this many bytes unpacked from all the entries together.
pub const MAX_UNZIPPED_BYTES: u64 = 200_000_000;
/// At most this many entries in the zip.
const MAX_ENTRIES: usize = 10_000;

/// Refuses a zip that unpacks to more than [`MAX_UNZIPPED_BYTES`]; anything that is not a
/// readable zip is left for the spreadsheet reader to refuse.
pub fn check(bytes: &[u8]) -> Result<(), FormIssue> {
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let too_large = || FormIssue::error("", None, None, IssueKind::TooLarge);
    if archive.len() > MAX_ENTRIES {
        return Err(too_large());
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let left = MAX_UNZIPPED_BYTES - total;
        // An entry that fails to unpack is the spreadsheet reader's to refuse; what it gave
        // until then counts.
        let mut counted = Count(0);
        let _ = std::io::copy(&mut entry.take(left + 1), &mut counted);
        total += counted.0;
        if total > MAX_UNZIPPED_BYTES {
            return Err(too_large());
        }
    }
    Ok(())
}

/// A writer that keeps nothing but how many bytes it was given.
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
