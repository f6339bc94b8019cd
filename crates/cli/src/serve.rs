//! `terrain serve`: runs a sync hub on this store until Ctrl-C or SIGTERM.
//!
//! It listens on this machine only unless told where: a hub reachable from every network of
//! the machine (a hotel's Wi-Fi, a carrier's network) must be a choice made on purpose, and
//! whoever sets up an office hub types `--listen` once in its service file.

use std::io::Write;
use std::net::SocketAddr;

use terrain_core::Lang;
use terrain_hub::{interfaces, ServeInfo};

use crate::ctx::{Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on. The default is this machine only: to reach the other
    /// laptops give a LAN address (e.g. 192.168.1.10:8765) or 0.0.0.0:8765 (every network).
    #[arg(long, default_value = "127.0.0.1:8765", value_name = "ADDR")]
    listen: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let file = ctx.open()?.file();
    let lang = ctx.lang();
    terrain_hub::init_logging();
    terrain_hub::server::serve_blocking(file, &args.listen, |info| {
        terrain_hub::print_ready(info);
        if info.address.ip().is_loopback() {
            // On stderr: scripts read the first lines of stdout.
            let _ = writeln!(std::io::stderr(), "{}", loopback_hint(info, lang));
        }
    })
    .map_err(Into::into)
}

/// Tells how to make a hub listening on loopback reachable from the other laptops.
fn loopback_hint(info: &ServeInfo, lang: Lang) -> String {
    let port = info.address.port();
    let lan: Vec<String> = interfaces::networks()
        .iter()
        .map(|n| format!("--listen {}", SocketAddr::from((n.ip, port))))
        .collect();
    let every = match lang {
        Lang::Fr => format!("--listen 0.0.0.0:{port} (tous les réseaux)"),
        Lang::En => format!("--listen 0.0.0.0:{port} (every network)"),
    };
    let choices = lan
        .into_iter()
        .chain([every])
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::Fr => format!(
            "Ce hub n'écoute que sur cet ordinateur : les autres ordinateurs ne peuvent pas le joindre. Pour cela, relancez avec {choices}."
        ),
        Lang::En => format!(
            "This hub listens on this machine only: other laptops cannot reach it. To let them, start it with {choices}."
        ),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: Args,
    }

    #[test]
    fn serve_listens_on_this_machine_only_unless_told_where() {
        let cli = Cli::parse_from(["serve"]);
        assert_eq!(cli.serve.listen, "127.0.0.1:8765");
        let cli = Cli::parse_from(["serve", "--listen", "0.0.0.0:9000"]);
        assert_eq!(cli.serve.listen, "0.0.0.0:9000");
    }

    #[test]
    fn the_hint_says_how_to_reach_the_other_laptops() {
        let info = ServeInfo {
            address: "127.0.0.1:8765".parse().expect("address"),
            url: "http://127.0.0.1:8765".into(),
            join_code: "ABCD-EFGH-JKLM".into(),
            hub_node: "hub".into(),
            lan_urls: Vec::new(),
            urls: vec!["http://127.0.0.1:8765".into()],
        };
        let en = loopback_hint(&info, Lang::En);
        assert!(en.contains("--listen 0.0.0.0:8765 (every network)"), "{en}");
        for n in interfaces::networks() {
            assert!(en.contains(&format!("--listen {}:8765", n.ip)), "{en}");
        }
        let fr = loopback_hint(&info, Lang::Fr);
        assert!(fr.contains("n'écoute que sur cet ordinateur"), "{fr}");
    }
}
