//! `terrain backup --out FILE` and `terrain restore FILE`: the store in one encrypted file, and
//! back. An encrypted store's backup opens with its passphrase or recovery words; a plain
//! store's is encrypted under the passphrase given (`--passphrase-file` or TERRAIN_PASSPHRASE),
//! and its recovery words are printed once. A restore reads the backup's passphrase the same
//! way (or `--recovery-file`), and replaces an existing store only with `--replace`.

use std::path::PathBuf;

use terrain_core::store::backup::inspect;
use terrain_core::{Lang, Store};

use crate::ctx::{say, Ctx, Result};

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (a USB stick, another disk).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    file: PathBuf,
    /// Replace the store already here (it is kept until the restored one opens, then removed).
    #[arg(long)]
    replace: bool,
}

/// `terrain backup --out FILE`.
pub fn backup(ctx: &Ctx, args: BackupArgs) -> Result<()> {
    let store = ctx.open()?;
    let passphrase = match store.is_encrypted() {
        true => None,
        false => ctx.passphrase()?,
    };
    let made = store.backup(&args.out, passphrase.as_deref().map(String::as_str))?;
    let size = made.bytes as f64 / 1_048_576.0;
    match ctx.lang() {
        Lang::Fr => say!(
            "Sauvegarde écrite : {} ({size:.1} Mo).",
            made.path.display()
        ),
        Lang::En => say!("Backup written: {} ({size:.1} MB).", made.path.display()),
    }
    if let Some(words) = made.recovery_words {
        match ctx.lang() {
            Lang::Fr => say!("Mots de secours de cette sauvegarde : notez-les sur papier. Ils l'ouvrent si sa phrase de passe est perdue, et ne seront plus jamais affichés :"),
            Lang::En => say!("Recovery words of this backup: write them on paper. They open it if its passphrase is lost, and will never be shown again:"),
        }
        say!("{}", words.as_str());
    }
    Ok(())
}

/// `terrain restore FILE [--replace]`.
pub fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<()> {
    let path = ctx.db_path()?;
    let head = inspect(&args.file)?;
    let secrets = ctx.secrets()?;
    let store = Store::restore_backup(&path, &args.file, secrets.unlock(), args.replace)?;
    match ctx.lang() {
        Lang::Fr => {
            say!(
                "Sauvegarde du {} restaurée dans {}.",
                head.created,
                path.display()
            );
            say!("La base est chiffrée : elle s'ouvre avec la phrase de passe (ou les mots de secours) de la sauvegarde.");
            say!("Cet ordinateur a une nouvelle identité d'appareil ({}) : dans une étude dont les membres sont gérés, demandez une invitation à un·e coordinateur·rice pour y écrire à nouveau.", store.node_id());
        }
        Lang::En => {
            say!("Backup of {} restored in {}.", head.created, path.display());
            say!("The database is encrypted: it opens with the backup's passphrase (or recovery words).");
            say!("This laptop has a new device identity ({}): in a study whose members are managed, ask a coordinator for an invitation to write in it again.", store.node_id());
        }
    }
    Ok(())
}
