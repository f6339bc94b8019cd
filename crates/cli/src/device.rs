//! `terrain device`: the devices enrolled on the hub this store serves.

use crate::ctx::say;
use clap::Subcommand;
use terrain_core::Lang;
use terrain_hub::{registry, HubError};

use crate::ctx::{print_json, Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// The devices enrolled on this hub.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Refuse a device (a lost laptop) from now on.
    Revoke { node_id: String },
    /// Print the hub's join code; --rotate makes a new one (the old one stops working).
    JoinCode {
        #[arg(long)]
        rotate: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let store = ctx.open()?;
    let fr = ctx.lang() == Lang::Fr;
    match cmd {
        Cmd::List { json } => {
            let devices = registry::list(store.conn())?;
            if json {
                return print_json(&devices);
            }
            for d in &devices {
                let state = match (d.revoked, fr) {
                    (true, true) => "révoqué",
                    (true, false) => "revoked",
                    (false, true) => "actif",
                    (false, false) => "active",
                };
                say!(
                    "{}  {:<8} {}  {}",
                    d.node_id,
                    state,
                    d.last_seen_at.as_deref().unwrap_or("-"),
                    d.label.as_deref().unwrap_or("")
                );
            }
        }
        Cmd::Revoke { node_id } => {
            if !registry::revoke(store.conn(), &node_id)? {
                return Err(HubError::UnknownDevice { node: node_id }.into());
            }
            // Revoking rotates the join code: the new one is for the laptops still to enrol.
            let code = registry::join_code(&store)?;
            if fr {
                say!("appareil {node_id} révoqué");
                say!("nouveau code d'inscription : {code}");
            } else {
                say!("device {node_id} revoked");
                say!("new join code: {code}");
            }
        }
        Cmd::JoinCode { rotate } => {
            registry::ensure_tables(store.conn())?;
            let code = if rotate {
                registry::rotate_join_code(&store)?
            } else {
                registry::join_code(&store)?
            };
            say!("{code}");
        }
    }
    Ok(())
}
