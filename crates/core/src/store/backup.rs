//! A backup of the store: one file, encrypted, that restores on this laptop or another
//! (`docs/design/backup.md`). Its layout:
//!
//! ```text
//! "terrain-backup"        14 bytes
//! version                 u16 BE (1)
//! head length             u32 BE, at most 16 KiB
//! head                    JSON: created, schema_version, db_bytes, key_file
//! database                db_bytes: a consistent copy of the store, encrypted by SQLCipher
//! check                   32 bytes: keyed BLAKE2b of everything before, under the database key
//! ```
//!
//! The key file is the store's own for an encrypted store (its passphrase and recovery words
//! open the backup), or a new one under a passphrase given for the backup of a plain store. The
//! copy never exists in clear on disk, and carries no device identity: a restored store takes a
//! new one, so two laptops never write as one.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use blake2::digest::consts::U32;
use blake2::digest::{KeyInit, Mac};
use blake2::Blake2bMac;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::encryption::sibling;
use super::files::write_atomically;
use super::key_file::{DbKey, KeyFile, RecoveryWords};
use super::permissions::{create_owner_only, owner_only_file};
use super::Store;
use crate::error::{BackupError, Error, LockError, Result};

const MAGIC: &[u8; 14] = b"terrain-backup";
const VERSION: u16 = 1;
/// The magic, the version and the head's length.
const PREFIX_LEN: usize = MAGIC.len() + 2 + 4;
/// A head is a key file and a few numbers: well under a kilobyte.
const MAX_HEAD_BYTES: usize = 16 * 1024;
const CHECK_LEN: u64 = 32;
/// The smallest SQLite file is one page of 512 bytes.
const MIN_DB_BYTES: u64 = 512;

/// The backup's head as written in the file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadJson {
    created: String,
    schema_version: i64,
    db_bytes: u64,
    key_file: KeyFile,
}

/// What a backup's first bytes say: when it was made, of which schema, how long its copy is,
/// and the key file that opens it.
pub struct Head {
    /// When the backup was made (RFC 3339, UTC).
    pub created: String,
    pub schema_version: i64,
    pub db_bytes: u64,
    pub(crate) key_file: KeyFile,
    /// Where the database copy starts in the file.
    pub(crate) db_offset: u64,
    /// The file's bytes before the copy (the check covers them too).
    pub(crate) raw: Vec<u8>,
}

impl Head {
    /// The database key, from the backup's passphrase or recovery words.
    pub(crate) fn unlock(&self, unlock: super::Unlock) -> Result<DbKey> {
        match unlock {
            super::Unlock::Passphrase(p) => self.key_file.unlock_with_passphrase(p),
            super::Unlock::Recovery(words) => self.key_file.unlock_with_recovery(words),
            super::Unlock::None | super::Unlock::Key(_) => {
                Err(Error::Lock(LockError::PassphraseNeeded))
            }
        }
    }
}

fn damaged(detail: &str) -> Error {
    Error::Backup(BackupError::Damaged {
        detail: detail.to_string(),
    })
}

/// Reads a backup's head from the file's first bytes (`first`: up to 16 KiB and a few bytes
/// more, less only if the file is shorter) and the file's length. Everything is bounded and
/// checked before anything is unlocked: a file cut short is `backup_truncated`, one that is not
/// a backup `backup_not_a_backup`, one from a newer Terrain `backup_unknown_version`.
pub fn parse_head(first: &[u8], file_len: u64) -> Result<Head> {
    let truncated = || Error::Backup(BackupError::Truncated);
    if first.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(first) {
            truncated()
        } else {
            Error::Backup(BackupError::NotABackup)
        });
    }
    if &first[..MAGIC.len()] != MAGIC {
        return Err(Error::Backup(BackupError::NotABackup));
    }
    let (Some(version), Some(head_len)) = (first.get(14..16), first.get(16..20)) else {
        return Err(truncated());
    };
    let version = u16::from_be_bytes([version[0], version[1]]);
    if version != VERSION {
        return Err(Error::Backup(BackupError::UnknownVersion {
            found: version,
        }));
    }
    let head_len =
        u32::from_be_bytes([head_len[0], head_len[1], head_len[2], head_len[3]]) as usize;
    if head_len > MAX_HEAD_BYTES {
        return Err(damaged("head too large"));
    }
    let head = first
        .get(PREFIX_LEN..PREFIX_LEN + head_len)
        .ok_or_else(truncated)?;
    let json: HeadJson = serde_json::from_slice(head).map_err(|e| damaged(&e.to_string()))?;
    let key_file = json.key_file.checked()?;
    if json.db_bytes < MIN_DB_BYTES {
        return Err(damaged("database copy too small"));
    }
    let db_offset = (PREFIX_LEN + head_len) as u64;
    let total = db_offset
        .checked_add(json.db_bytes)
        .and_then(|n| n.checked_add(CHECK_LEN))
        .ok_or_else(|| damaged("length out of range"))?;
    if file_len < total {
        return Err(truncated());
    }
    if file_len > total {
        return Err(damaged("bytes after the end"));
    }
    Ok(Head {
        created: json.created,
        schema_version: json.schema_version,
        db_bytes: json.db_bytes,
        key_file,
        db_offset,
        raw: first[..PREFIX_LEN + head_len].to_vec(),
    })
}

/// Opens a backup file and reads its head; the file is left positioned at the database copy.
pub(crate) fn read_head(path: &Path) -> Result<(Head, BufReader<File>)> {
    let file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut reader = BufReader::new(file);
    let mut first = Vec::new();
    (&mut reader)
        .take((PREFIX_LEN + MAX_HEAD_BYTES) as u64)
        .read_to_end(&mut first)?;
    let head = parse_head(&first, file_len)?;
    // Back to where the copy starts: `first` may have read past it.
    let mut file = reader.into_inner();
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(head.db_offset))?;
    Ok((head, BufReader::new(file)))
}

/// What a backup file is, told without unlocking it (the restore screen's confirmation).
pub fn inspect(path: &Path) -> Result<Head> {
    Ok(read_head(path)?.0)
}

/// The check over a backup file, keyed by its database key: whoever lacks the key can neither
/// forge a backup this passphrase opens nor change one unnoticed.
pub(crate) fn check(key: &DbKey) -> Result<Blake2bMac<U32>> {
    let mut h = Sha256::new();
    h.update(b"terrain backup check\0");
    h.update(key.bytes());
    let derived = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
    <Blake2bMac<U32> as KeyInit>::new_from_slice(derived.as_ref())
        .map_err(|e| Error::Internal(format!("backup check: {e}")))
}

/// What the app shows of a backup: one just written (with, for a plain store, the recovery
/// words of its new key file, to show once), or one about to be restored.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupSummary {
    pub path: String,
    /// When the backup was made (RFC 3339, UTC).
    pub created: String,
    pub megabytes: f64,
    pub recovery_words: Option<String>,
}

fn megabytes(bytes: u64) -> f64 {
    (bytes as f64 / 1_048_576.0 * 10.0).round() / 10.0
}

/// What the backup at `path` is, told without unlocking it; refused like a restore would be
/// (not a backup, cut short, a newer format).
pub fn describe(path: &Path) -> Result<BackupSummary> {
    let head = inspect(path)?;
    Ok(BackupSummary {
        path: path.display().to_string(),
        created: head.created,
        megabytes: megabytes(std::fs::metadata(path)?.len()),
        recovery_words: None,
    })
}

/// Where the app proposes to write a backup: the person's home folder, a dated name.
pub fn suggested_path() -> PathBuf {
    let dir = directories::UserDirs::new()
        .map(|d| d.home_dir().to_path_buf())
        .unwrap_or_default();
    let date = chrono::Local::now().format("%Y-%m-%d");
    dir.join(format!("terrain-sauvegarde-{date}.{EXTENSION}"))
}

/// The extension of backup files.
pub const EXTENSION: &str = "terrain-backup";

/// A backup just written: where, how large, and, for a plain store, the recovery words of its
/// new key file (to show once).
pub struct BackupMade {
    pub path: PathBuf,
    pub bytes: u64,
    pub created: String,
    pub recovery_words: Option<RecoveryWords>,
}

/// The encrypted copy being made beside the store, removed once the backup is written (a crash
/// leaves it for the next open to remove).
pub(crate) fn copy_path(store: &Path) -> PathBuf {
    sibling(store, "backup-copy")
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| {
        let name = p.file_name().map(|n| n.to_os_string());
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::canonicalize(dir).ok().zip(name)
    };
    canonical(a).is_some_and(|x| Some(x) == canonical(b))
}

/// A file already at `out` is replaced only if it is an older backup: a typed path must not
/// overwrite someone's document.
fn refuse_other_file(out: &Path) -> Result<()> {
    let mut first = [0u8; MAGIC.len()];
    let read = match File::open(out) {
        Ok(mut f) => f.read(&mut first)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if read == 0 || first == *MAGIC {
        return Ok(());
    }
    Err(Error::Backup(BackupError::OverOtherFile {
        path: out.display().to_string(),
    }))
}

impl Store {
    /// Writes a backup of this store to `out` (one encrypted file, whole or not at all). An
    /// encrypted store's backup opens with its passphrase or recovery words; a plain store's
    /// needs a `passphrase` of its own, and its new recovery words come back, to show once.
    pub fn backup(&self, out: &Path, passphrase: Option<&str>) -> Result<BackupMade> {
        make(self, out, passphrase)
    }
}

/// Writes a backup of `store` to `out`, whole or not at all. An encrypted store's backup opens
/// with its passphrase or recovery words; a plain store's needs `passphrase`, and its recovery
/// words are returned.
fn make(store: &Store, out: &Path, passphrase: Option<&str>) -> Result<BackupMade> {
    let path = store.path();
    let key_path = super::key_file::key_file_path(path);
    if same_file(out, path) || same_file(out, &key_path) {
        return Err(Error::Backup(BackupError::OverStore));
    }
    let (key_file, key, words) = match &store.key {
        Some(key) => {
            let file = KeyFile::read(path)?.ok_or(Error::Lock(LockError::KeyFileMissing {
                path: key_path.display().to_string(),
            }))?;
            (file, key.clone(), None)
        }
        None => {
            let passphrase = passphrase.ok_or(Error::Backup(BackupError::PassphraseNeeded))?;
            let (file, key, words) = KeyFile::create(passphrase)?;
            (file, key, Some(words))
        }
    };
    refuse_other_file(out)?;
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let copy = copy_path(path);
    let written = export(store.conn(), &copy, &key).and_then(|()| {
        let db_bytes = std::fs::metadata(&copy)?.len();
        let head = serde_json::to_vec(&HeadJson {
            created: created.clone(),
            schema_version: store.schema_version()?,
            db_bytes,
            key_file,
        })
        .map_err(|e| Error::Internal(e.to_string()))?;
        write_atomically(out, |w| write_file(w, &head, &copy, &key))?;
        owner_only_file(out);
        Ok(PREFIX_LEN as u64 + head.len() as u64 + db_bytes + CHECK_LEN)
    });
    let _ = std::fs::remove_file(&copy);
    Ok(BackupMade {
        path: out.to_path_buf(),
        bytes: written?,
        created,
        recovery_words: words,
    })
}

impl BackupMade {
    pub fn summary(&self) -> BackupSummary {
        BackupSummary {
            path: self.path.display().to_string(),
            created: self.created.clone(),
            megabytes: megabytes(self.bytes),
            recovery_words: self.recovery_words.as_ref().map(|w| w.as_str().to_string()),
        }
    }
}

/// The prefix, the head, the copy and the check, streamed: a store of any size.
fn write_file(w: &mut impl Write, head: &[u8], copy: &Path, key: &DbKey) -> Result<()> {
    let mut mac = check(key)?;
    let head_len = u32::try_from(head.len()).map_err(|_| Error::Internal("head".into()))?;
    let mut prefix = Vec::with_capacity(PREFIX_LEN + head.len());
    prefix.extend_from_slice(MAGIC);
    prefix.extend_from_slice(&VERSION.to_be_bytes());
    prefix.extend_from_slice(&head_len.to_be_bytes());
    prefix.extend_from_slice(head);
    mac.update(&prefix);
    w.write_all(&prefix)?;
    let mut reader = File::open(copy)?;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        mac.update(&buf[..n]);
        w.write_all(&buf[..n])?;
    }
    w.write_all(&mac.finalize().into_bytes())?;
    Ok(())
}

/// A consistent copy of the store, encrypted under `key` from its first byte (SQLCipher's
/// export into an attached file, in one read transaction), without this laptop's identity.
fn export(conn: &Connection, copy: &Path, key: &DbKey) -> Result<()> {
    let _ = std::fs::remove_file(copy);
    create_owner_only(copy)?;
    conn.execute(
        "ATTACH DATABASE ?1 AS snapshot KEY ?2",
        (copy.to_string_lossy().as_ref(), key.literal().as_str()),
    )?;
    let exported = (|| -> Result<()> {
        conn.execute_batch("BEGIN")?;
        let copied = (|| -> Result<()> {
            conn.query_row("SELECT sqlcipher_export('snapshot')", [], |_| Ok(()))?;
            let version: i64 =
                conn.pragma_query_value(Some("main"), "user_version", |r| r.get(0))?;
            conn.execute_batch(&format!("PRAGMA snapshot.user_version = {version};"))?;
            forget_identity(conn, "snapshot")
        })();
        conn.execute_batch(if copied.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
        copied
    })();
    let detached = conn.execute_batch("DETACH DATABASE snapshot");
    exported?;
    detached?;
    File::open(copy)?.sync_all()?;
    Ok(())
}

/// Removes a store's device identity (its signing key and where it was last opened), so that
/// the store takes a new one when it next opens: a backup restored must never write as the
/// laptop it came from.
pub(crate) fn forget_identity(conn: &Connection, schema: &str) -> Result<()> {
    conn.execute(
        &format!(
            "DELETE FROM {schema}.meta WHERE key = 'node_fingerprint'
             OR substr(key, 1, 11) = 'device_key.'"
        ),
        [],
    )?;
    Ok(())
}
