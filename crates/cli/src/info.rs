//! `terrain info`: who this laptop is and what it holds.

use crate::ctx::say;
use serde_json::json;
use terrain_core::read::{self as query, ListOptions};
use terrain_core::{store, sync, Entity};

use crate::ctx::{print_json, Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.open()?;
    let joined = sync::joined_studies(store.conn())?;
    let studies: Vec<_> = query::list(store.conn(), Entity::Study, &ListOptions::default())?
        .into_iter()
        .map(|s| {
            json!({
                "id": s.id,
                "title": s.text("title"),
                "joined": joined.contains(&s.id),
            })
        })
        .collect();
    let info = json!({
        "node_id": store.node_id(),
        "schema_version": store.schema_version()?,
        "schema_version_supported": store::schema_version(),
        "db": store.path().display().to_string(),
        "encrypted": store.is_encrypted(),
        "studies": studies,
        "hq_keys": sync::hq_keys_held(&store)?,
    });
    if args.json {
        return print_json(&info);
    }
    say!("node id         {}", store.node_id());
    say!("schema version  {}", store.schema_version()?);
    say!("database        {}", store.path().display());
    say!(
        "encrypted       {}",
        if store.is_encrypted() { "yes" } else { "no" }
    );
    for s in &studies {
        say!(
            "study           {}  {}",
            s["id"].as_str().unwrap_or(""),
            s["title"].as_str().unwrap_or("")
        );
    }
    Ok(())
}
