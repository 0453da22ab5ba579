//! The command line (SPEC §5): parsing, dispatch, and the exit status.

use crate::build;
use crate::check::{self, Format};
use crate::new;
use clap::{CommandFactory, Parser, Subcommand};
use std::io::{BufRead, Write};
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

const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;

/// Parses the arguments, runs the command, and returns the exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(match cli.command {
        Command::Build { out, offline, drafts, base_url } => {
            let out = out.unwrap_or_else(|| cli.root.join("public"));
            run_build(&cli.root, &build::BuildOptions { out, offline, drafts, base_url })
        }
        Command::Check { format } => run_check(&cli.root, format),
        Command::Search { limit, drafts, batch, query } => {
            let queries = if batch { Queries::Stdin } else { Queries::One(query.join(" ")) };
            run_search(&cli.root, queries, limit, drafts)
        }
        Command::Serve { bind, port, open, drafts } => {
            match crate::serve::run(&cli.root, &crate::serve::Options { bind, port, open, drafts }) {
                Ok(()) => OK,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    FAILED
                }
            }
        }
        Command::New { id } => match new::create(&cli.root, &id, &new::today()) {
            Ok(path) => {
                let shown = path.strip_prefix(&cli.root).unwrap_or(&path).display().to_string();
                eprintln!("created {shown} (a draft: remove `draft: true` to publish it)");
                run_check(&cli.root, Format::Text)
            }
            Err(new::NewError::BadId(message)) => {
                eprintln!("error: {message}");
                eprintln!("  hint: ids look like `<source>/<name>`, such as `heroku/h12` or `http/418`");
                USAGE
            }
            Err(new::NewError::Failed(message)) => {
                eprintln!("error: {message}");
                FAILED
            }
        },
        Command::Init { theme, dir } => run_init(&dir.unwrap_or(cli.root), theme),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "faultline", &mut std::io::stdout());
            OK
        }
    })
}

fn run_init(dir: &std::path::Path, theme: bool) -> u8 {
    let written = match crate::init::create(dir, theme) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("error: {message}");
            return FAILED;
        }
    };
    let what = if written.site { "a new site" } else { "the built-in theme" };
    eprintln!("wrote {what} into {} ({} files)", dir.display(), written.files.len());
    if theme {
        eprintln!("themes/default/ now replaces the built-in theme: edit its templates/ and static/");
    }
    let status = run_check(dir, Format::Text);
    if status == OK {
        let cd = if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
        eprintln!("next: {cd}faultline serve");
    }
    status
}

fn run_check(root: &std::path::Path, format: Format) -> u8 {
    match check::run(root, false) {
        Ok(checked) => {
            check::report(&checked.diagnostics, format, &check::describe(&checked));
            if checked.has_errors() { FAILED } else { OK }
        }
        Err(e) => {
            match format {
                // The JSON form stays a JSON array whatever happens, for the tools that read it.
                Format::Json => check::report(&[crate::diag::Diagnostic::error(format!("{e:#}"))], format, ""),
                Format::Text => eprintln!("error: {e:#}"),
            }
            FAILED
        }
    }
}

/// Where `search` takes its queries from.
enum Queries {
    /// The command line's words, joined by spaces.
    One(String),
    /// One per line of stdin (`--batch`).
    Stdin,
}

fn run_search(root: &std::path::Path, queries: Queries, limit: usize, drafts: bool) -> u8 {
    let checked = match check::run(root, drafts) {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("error: {e:#}");
            return FAILED;
        }
    };
    // Search what could be read; a broken file should not hide every other entry.
    if checked.has_errors() {
        eprintln!(
            "warning: {}; entries that could not be read are not searched (run `faultline check`)",
            crate::diag::summary(&checked.diagnostics)
        );
    }
    let index = crate::search::Index::build(&checked.site, &checked.graph.included);
    let mut out = std::io::stdout().lock();
    let query = match queries {
        Queries::One(query) => query,
        Queries::Stdin => return run_batch(&index, &mut std::io::stdin().lock(), &mut out, limit),
    };
    for hit in index.search(&query).into_iter().take(limit) {
        let doc = &index.docs[hit.doc as usize];
        if writeln!(out, "{}\t{}", doc.id, doc.title).is_err() {
            // A closed pipe (`| head`) is the reader saying it has enough.
            break;
        }
    }
    OK
}

/// One line of `search --batch` output.
#[derive(serde::Serialize)]
struct BatchLine<'a> {
    query: &'a str,
    results: Vec<BatchResult<'a>>,
}

#[derive(serde::Serialize)]
struct BatchResult<'a> {
    id: &'a str,
    title: &'a str,
}

/// `search --batch`: one JSON line per line of `input`, each written as soon as it is
/// ranked, so a program can keep one process open and ask query after query. A line
/// ending (`\n` or `\r\n`) is not part of the query; a line that is not UTF-8 stops
/// the run with an error.
fn run_batch(index: &crate::search::Index, input: &mut dyn BufRead, out: &mut dyn Write, limit: usize) -> u8 {
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        number += 1;
        match input.read_until(b'\n', &mut line) {
            Ok(0) => return OK,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot read the queries from stdin: {e}");
                return FAILED;
            }
        }
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let Ok(query) = std::str::from_utf8(bytes) else {
            eprintln!("error: line {number} of stdin is not valid UTF-8; --batch reads UTF-8 text, one query per line");
            return FAILED;
        };
        let results = index
            .search(query)
            .into_iter()
            .take(limit)
            .map(|hit| &index.docs[hit.doc as usize])
            .map(|doc| BatchResult { id: &doc.id, title: &doc.title })
            .collect();
        let json = serde_json::to_string(&BatchLine { query, results }).expect("strings always serialise");
        if writeln!(out, "{json}").is_err() {
            return OK;
        }
    }
}

fn run_build(root: &std::path::Path, options: &build::BuildOptions) -> u8 {
    match build::build(root, options) {
        Ok(outcome) => {
            for block in crate::diag::text_blocks(&outcome.diagnostics) {
                eprintln!("{block}");
            }
            match outcome.summary {
                Some(summary) => {
                    eprintln!("{summary} -> {}", options.out.display());
                    OK
                }
                None => {
                    eprintln!("error: {}; nothing was written", crate::diag::summary(&outcome.diagnostics));
                    FAILED
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            FAILED
        }
    }
}
