//! `terrain init`, `terrain encrypt` and `terrain passphrase change`: a store encrypted at
//! rest, made new or converted in place, and its passphrase changed. The passphrase comes from
//! `--passphrase-file` or TERRAIN_PASSPHRASE, never from an argument value.

use crate::ctx::say;
use std::path::PathBuf;

use terrain_core::error::LockError;
use terrain_core::store::RecoveryWords;
use terrain_core::{Error, Lang, Store};

use crate::ctx::{read_secret, Ctx, Result};

#[derive(clap::Args)]
pub struct InitArgs {}

#[derive(clap::Subcommand)]
pub enum PassphraseCmd {
    /// Set a new passphrase (the store is unlocked by the current one, or by --recovery-file).
    Change {
        /// A file holding the new passphrase.
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
}

fn new_passphrase(ctx: &Ctx) -> Result<zeroize::Zeroizing<String>> {
    ctx.passphrase()?
        .ok_or_else(|| Error::Lock(LockError::PassphraseNeeded).into())
}

/// The recovery words, shown once, with what they are for; the words alone on the last line.
fn show_recovery(ctx: &Ctx, words: &RecoveryWords) -> Result<()> {
    match ctx.lang() {
        Lang::Fr => {
            say!("Base de données chiffrée. Mots de secours : notez-les sur papier et gardez-les à part de l'ordinateur.");
            say!("Ils ouvrent la base si la phrase de passe est perdue, et ne seront plus jamais affichés :");
        }
        Lang::En => {
            say!("Database encrypted. Recovery words: write them on paper and keep them away from the laptop.");
            say!(
                "They open the database if the passphrase is lost, and will never be shown again:"
            );
        }
    }
    say!("{}", words.as_str());
    Ok(())
}

/// `terrain init`: a new encrypted store.
pub fn init(ctx: &Ctx, _args: InitArgs) -> Result<()> {
    let passphrase = new_passphrase(ctx)?;
    let path = ctx.db_path()?;
    let (store, words) = Store::create_encrypted(&path, &passphrase)?;
    drop(store);
    show_recovery(ctx, &words)?;
    Ok(())
}

/// `terrain encrypt`: the plain store converted in place.
pub fn encrypt(ctx: &Ctx, _args: InitArgs) -> Result<()> {
    let passphrase = new_passphrase(ctx)?;
    let path = ctx.db_path()?;
    let words = Store::encrypt(&path, &passphrase)?;
    show_recovery(ctx, &words)?;
    Ok(())
}

pub fn passphrase(ctx: &Ctx, cmd: PassphraseCmd) -> Result<()> {
    match cmd {
        PassphraseCmd::Change {
            new_passphrase_file,
        } => {
            let new = read_secret(&new_passphrase_file)?;
            let store = ctx.open()?;
            store.change_passphrase(&new)?;
            eprintln!(
                "{}",
                match ctx.lang() {
                    Lang::Fr => "Phrase de passe changée. Les mots de secours restent valables.",
                    Lang::En => "Passphrase changed. The recovery words stay valid.",
                }
            );
            Ok(())
        }
    }
}
