//! Bounded cost (issue 10): a hostile 1 MB file costs seconds and a few hundred MB at most.
//! Each case runs the binary under a 2 GB address-space limit, so a regression fails the
//! test instead of taking the machine down, and asserts time and peak memory with an order
//! of magnitude of headroom. The figures are printed (`--nocapture` shows them).

use crate::harness::{Site, themed_fixture};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The address space each run may use.
const MEMORY_LIMIT: u64 = 2 << 30;
/// What a run may take before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(120);
/// The time each case may take: the debug binary on a loaded machine, with an order of
/// magnitude of headroom over what these cases cost (the old code took minutes).
const TIME_BOUND: f64 = 60.0;

/// What a limited run did and cost.
struct Measured {
    code: i32,
    stdout: String,
    stderr: String,
    seconds: f64,
    /// Peak resident memory in MB, from GNU time, when it is installed.
    peak_mb: Option<f64>,
}

/// Runs `faultline --root <site> <args>` under the memory limit, measuring it.
fn limited(site: &Site, args: &[&str]) -> Measured {
    let time = std::path::Path::new("/usr/bin/time");
    let report = site.path().join(".time");
    let mut command = Command::new("prlimit");
    command.arg(format!("--as={MEMORY_LIMIT}")).arg("--");
    if time.exists() {
        command.arg(time).args(["-f", "%M", "-o"]).arg(&report);
    }
    command
        .arg(env!("CARGO_BIN_EXE_faultline"))
        .arg("--root")
        .arg(site.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own: on a timeout the whole group is killed, `time`'s child too.
        .process_group(0);
    let started = Instant::now();
    let mut child = command.spawn().expect("start prlimit (util-linux)");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let Some(status) = crate::harness::wait_within(&mut child, TIMEOUT) else {
        crate::harness::kill_group(&mut child);
        panic!("faultline {args:?} did not finish within {TIMEOUT:?}");
    };
    let seconds = started.elapsed().as_secs_f64();
    let peak_mb = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse::<f64>().ok()))
        .map(|kb| kb / 1024.0);
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    let code = status.code().unwrap_or(-1);
    assert!(!stderr.contains("panicked"), "faultline panicked:\n{stderr}");
    Measured { code, stdout, stderr, seconds, peak_mb }
}

/// Prints the figures and asserts the loose bounds: [`TIME_BOUND`], 500 MB.
fn assert_bounded(case: &str, m: &Measured) {
    let peak = m.peak_mb.map_or("unmeasured (no /usr/bin/time)".to_string(), |mb| format!("{mb:.0} MB"));
    eprintln!("bounded cost: {case}: {:.2} s, peak {peak}", m.seconds);
    assert!(m.seconds < TIME_BOUND, "{case} took {:.1} s", m.seconds);
    if let Some(mb) = m.peak_mb {
        assert!(mb < 500.0, "{case} peaked at {mb:.0} MB");
    }
}

fn entry(code: &str, body: &str) -> String {
    format!("---\ntitle: Big {code}\ncode: {code}\nsummary: s\n---\n{body}")
}

#[test]
fn many_diagnostics_on_one_long_line_print_a_window_and_a_count() {
    let links = "[a](@/q/z)".repeat(60_000);
    let site = Site::fixture("clean").with("content/acme/e50.md", entry("E50", &format!("{links}\n")));
    let m = limited(&site, &["check"]);
    assert_bounded("60,000 broken @/ links on one line (check)", &m);
    assert_eq!(m.code, 1);
    assert!(m.stderr.len() < 64 * 1024, "{} bytes of stderr", m.stderr.len());
    assert!(
        m.stderr.contains(
            "content/acme/e50.md: ... and 59980 more in this file (`faultline check --format json` lists them all)\n"
        ),
        "{}",
        &m.stderr[..2000.min(m.stderr.len())]
    );
    // The snippet is a window around the column, with the caret under the link.
    assert!(m.stderr.starts_with("content/acme/e50.md:6:5: error: "), "{}", &m.stderr[..2000]);
    assert!(m.stderr.contains("\n 6 | [a](@/q/z)"), "{}", &m.stderr[..2000]);
    let far = m.stderr.find("content/acme/e50.md:6:195: error: ").expect("the 20th diagnostic");
    let block = &m.stderr[far..];
    assert!(block.contains("\n 6 | ...@/q/z)[a](@/q/z)"), "{block}");
    assert!(block.contains(&format!("\n   | {}^^^^^\n", " ".repeat(63))), "{block}");
    assert!(block.lines().nth(1).unwrap().chars().count() < 140, "{block}");

    let m = limited(&site, &["check", "--format", "json"]);
    assert_bounded("60,000 broken @/ links on one line (check --format json)", &m);
    let diagnostics: Vec<serde_json::Value> = serde_json::from_str(&m.stdout).unwrap();
    assert_eq!(diagnostics.len(), 60_000, "the JSON form lists every diagnostic");
    assert!(!m.stdout.contains("[a](@/q/z)[a]"), "the JSON form holds copies of the line");
}

/// Builds the themed fixture with entry `acme/<name>` of `body` under the limits, asserts
/// the bounds and success, and returns the entry's page.
fn built_page(case: &str, name: &str, body: &str) -> String {
    let site = themed_fixture().with(&format!("content/acme/{name}.md"), entry(&name.to_uppercase(), body));
    let out = site.path().join("out");
    let m = limited(&site, &["build", "--out", out.to_str().unwrap()]);
    assert_bounded(case, &m);
    assert_eq!(m.code, 0, "{}", m.stderr);
    std::fs::read_to_string(out.join(format!("acme/{name}/index.html"))).unwrap()
}

#[test]
fn duplicate_headings_are_linear() {
    let headings = "## a\n".repeat(100_000);
    let page = built_page("100,000 equal headings (build)", "e51", &headings);
    assert!(page.contains("id=\"a-99999\""));
}

#[test]
fn link_positions_are_linear() {
    // Nearly 1 MB: the old code counted lines from the start for each link (minutes here).
    let links = "[a](#b)\n".repeat(120_000);
    let site = Site::fixture("clean").with("content/acme/e52.md", entry("E52", &links));
    let m = limited(&site, &["check"]);
    assert_bounded("120,000 links on their own lines (check)", &m);
    assert_eq!(m.code, 0, "{}", m.stderr);
    // The same in a .yaml body, where positions are searched for in the YAML source.
    let body: String = (0..60_000).map(|i| format!("  [a](#b{i})\n")).collect();
    let site = Site::fixture("clean")
        .with("content/acme/e53.yaml", format!("title: T\ncode: E53\nsummary: s\nbody: |\n{body}"));
    let m = limited(&site, &["check"]);
    assert_bounded("60,000 links in a .yaml body (check)", &m);
    assert_eq!(m.code, 0, "{}", m.stderr);
}

#[test]
fn deep_yaml_nesting_prints_a_short_snippet() {
    let site = Site::fixture("clean").with("content/acme/e54.yaml", format!("title: {}\n", "[".repeat(20_000)));
    let m = limited(&site, &["check"]);
    assert_bounded("20,000-deep YAML nesting (check)", &m);
    assert_eq!(m.code, 1);
    assert!(
        m.stderr.starts_with("content/acme/e54.yaml:1:264: error: invalid YAML: the YAML nests more than 256 levels of `[` and `{`\n 1 | ...[[["),
        "{}",
        m.stderr
    );
    assert!(m.stderr.len() < 1024, "{} bytes of stderr:\n{}", m.stderr.len(), m.stderr);
}

#[test]
fn hostile_code_blocks_are_linear() {
    // Known blow-ups of a parser with error recovery: tree-sitter's bash grammar takes 1 s
    // on 32 KB of `fi |` and grows with the square (BENCHMARKS.md, "Highlighting").
    let body = [
        fence("bash", "fi |".repeat(100_000)),
        fence("yaml", format!("a: {}{}", "{a: ".repeat(50_000), "}".repeat(50_000))),
        fence("sh", format!("echo \"{}", "$(\"".repeat(50_000))),
    ]
    .concat();
    let page = built_page("800 KB of hostile shell and YAML code blocks (build)", "e55", &body);
    assert_eq!(page.matches("<pre class=\"code\"").count(), 3);
}

#[test]
fn the_lean_grammars_worst_lines_are_linear() {
    // Each line grew with the square in a draft of faultline's own shell and YAML grammars
    // (a search rescanning a run from each of its characters, or every word searching again
    // at syntect's depth limit): 60 s on 100 KB of digits, 3 s on 8 KB of ` (`, 6 s on
    // 60 KB of `{a `, 0.7 s on 30 KB of `- `. At these sizes each takes minutes if it
    // comes back.
    let body = [
        fence("bash", format!("{}x<", "1".repeat(150_000))),
        fence("bash", format!("{}- &", " (".repeat(20_000))),
        fence("yaml", format!("{}:x", "{a ".repeat(80_000))),
        fence("yaml", format!("{}\t--;", "- ".repeat(150_000))),
    ]
    .concat();
    let page = built_page("730 KB of lines that were slow for the lean grammars (build)", "e56", &body);
    assert_eq!(page.matches("<pre class=\"code\"").count(), 4);
}

#[test]
fn bundled_grammars_get_short_lines_only() {
    // syntect's bundled Python grammar took over 99 s on a 30 KB line of this text, and its
    // time grows with the cube of the line. Blocks with longer lines than 256 bytes are left
    // plain; 1,500 lines of 256 bytes are the worst allowed.
    let worst = |bytes: usize| format!("{}'{}", "`".repeat(100), "\t{&=>".repeat(bytes / 5))[..bytes].to_string();
    let body = [fence("python", worst(30_000)), fence("python", format!("{}\n", worst(256)).repeat(1_500))].concat();
    let page = built_page("a 30 KB and 1,500 256-byte lines of hostile Python (build)", "e57", &body);
    let blocks: Vec<&str> = page.split("<pre class=\"code\"").skip(1).collect();
    assert_eq!(blocks.len(), 2);
    assert!(!blocks[0].contains("hl-") && blocks[1].contains("hl-"), "the long line is plain, the short ones not");
}

fn fence(lang: &str, code: String) -> String {
    format!("```{lang}\n{code}\n```\n\n")
}

/// Opens a live-reload stream and reads up to its first event; `None` when the server
/// does not answer in time.
fn open_stream(port: u16) -> Option<BufReader<TcpStream>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(b"GET /__faultline/events HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while reader.read_line(&mut line).ok()? > 0 {
        if line.starts_with("event: state") {
            return Some(reader);
        }
        line.clear();
    }
    None
}

#[test]
fn live_reload_streams_are_capped_and_the_oldest_closed() {
    let site = themed_fixture();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // 400 descriptors: without a cap, 420 open streams exhaust them and requests hang.
    let child = Command::new("prlimit")
        .args([format!("--as={MEMORY_LIMIT}"), "--nofile=400".into(), "--".into()])
        .arg(env!("CARGO_BIN_EXE_faultline"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start faultline serve");
    let mut child = KillOnDrop(child);
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("press Ctrl-C to stop") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "serve stopped");
    }
    let started = Instant::now();
    let mut streams = Vec::new();
    for i in 0..420 {
        let stream = open_stream(port).unwrap_or_else(|| panic!("live-reload stream {i} got no answer"));
        streams.push(stream);
    }
    let mut page = TcpStream::connect(("127.0.0.1", port)).unwrap();
    page.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    page.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    let _ = page.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "a page request with 420 streams open: {reply:?}");
    // The oldest streams were closed, connection and all.
    let mut rest = Vec::new();
    let _ = streams[0].read_to_end(&mut rest);
    assert!(streams[0].get_ref().peer_addr().is_ok());
    let closed = streams.iter_mut().take(420 - 256).all(|s| {
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).is_ok()
    });
    assert!(closed, "the oldest streams are still open");
    eprintln!("bounded cost: 420 live-reload streams: {:.2} s", started.elapsed().as_secs_f64());
}

/// A server stopped however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
