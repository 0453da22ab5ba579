//! The command line (docs/cli.md): parsing and dispatch to [`crate::cmd`].

use crate::cmd::{self, check::Format, search::Queries};
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "faultline",
    version,
    about = "Turns a folder of error entries into a searchable HTTP status hub.",
    after_help = "Start a site with `faultline init my-hub`, then `cd my-hub && faultline serve`.\nExit status: 0 success; 1 the work failed (content errors, a refused output folder, a port in use); 2 bad usage."
)]
pub struct Cli {
    /// The site folder, holding site.yaml and content/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into a folder (default: public/ under the root).
    Build {
        /// The output folder; relative paths are taken from the current folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Link to index.html files, so the site works opened from disk (file://).
        #[arg(long)]
        offline: bool,
        /// Include draft entries.
        #[arg(long)]
        drafts: bool,
        /// The URL the site will be served from (overrides base_url in site.yaml).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Render every file, taking nothing from the output folder's earlier build.
        #[arg(long)]
        cold: bool,
    },
    /// Check every entry and link; write nothing.
    Check {
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Search the entries (reading content/, no build needed), best first: id, tab, title.
    Search {
        /// How many results to print.
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// Include draft entries.
        #[arg(long)]
        drafts: bool,
        /// Read one query per line from stdin; print one JSON line per query.
        #[arg(long, conflicts_with = "query")]
        batch: bool,
        /// The query: a code, words, or a pasted error line.
        #[arg(required_unless_present = "batch", num_args = 1.., allow_hyphen_values = true, value_name = "QUERY")]
        query: Vec<String>,
    },
    /// Build the site into memory and serve it; rebuild what changes and reload open pages.
    Serve {
        /// The address to listen on; the default lets only this machine connect.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
        bind: std::net::IpAddr,
        /// The port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the home page in the default browser once the site is served.
        #[arg(long)]
        open: bool,
        /// Include draft entries.
        #[arg(long)]
        drafts: bool,
    },
    /// Write a new draft entry, `content/<id>.md`, then check the site.
    New {
        /// The new entry's id, such as `heroku/h12`.
        id: String,
    },
    /// Start a new site in an empty or new folder: site.yaml, a home page, example entries.
    Init {
        /// Also copy the built-in theme into themes/default/ to edit it (in an existing site
        /// without one, copy only the theme).
        #[arg(long)]
        theme: bool,
        /// The folder for the new site (default: the root, `.`).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script for bash, zsh or fish.
    ///
    /// For example `faultline completions bash > ~/.local/share/bash-completion/completions/faultline`,
    /// `faultline completions zsh > ~/.zfunc/_faultline`, or
    /// `faultline completions fish > ~/.config/fish/completions/faultline.fish`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Parses the arguments, runs the command, and returns the exit status. `short_lived` is
/// called first for every command but `serve`, the one that runs for hours.
pub fn run(short_lived: fn()) -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        short_lived();
    }
    ExitCode::from(match cli.command {
        Command::Build { out, offline, drafts, base_url, cold } => {
            let out = out.unwrap_or_else(|| cli.root.join("public"));
            cmd::build::command(&cli.root, &cmd::build::BuildOptions { out, offline, drafts, base_url, cold })
        }
        Command::Check { format } => cmd::check::command(&cli.root, format),
        Command::Search { limit, drafts, batch, query } => {
            let queries = if batch { Queries::Stdin } else { Queries::One(query.join(" ")) };
            cmd::search::command(&cli.root, queries, limit, drafts)
        }
        Command::Serve { bind, port, open, drafts } => {
            cmd::serve::command(&cli.root, &cmd::serve::Options { bind, port, open, drafts })
        }
        Command::New { id } => cmd::new::command(&cli.root, &id),
        Command::Init { theme, dir } => cmd::init::command(&dir.unwrap_or(cli.root), theme),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "faultline", &mut std::io::stdout());
            cmd::OK
        }
    })
}
