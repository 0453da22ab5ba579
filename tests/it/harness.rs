//! A small chainable helper: copy a fixture site into a temporary folder, change files in the
//! copy, run the real binary on it, and look at what it printed.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Kills the process group led by `child` (started with `process_group(0)`) and reaps
/// `child`: killing only the leader would leave its own children running, such as nginx's
/// workers or the build under `/usr/bin/time`.
pub(crate) fn kill_group(child: &mut Child) {
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
    let _ = child.wait();
}

/// Waits up to `limit` for `child` to exit: its status, or `None` if it is still running.
pub(crate) fn wait_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for a child process") {
            return Some(status);
        }
        if started.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The folder holding the fixture sites.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A throw-away copy of a site.
pub(crate) struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>/`.
    pub(crate) fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_dir(&fixtures().join(name), site.path());
        site
    }

    /// A site holding nothing, not even `content/`.
    pub(crate) fn empty() -> Site {
        Site { dir: tempfile::Builder::new().prefix("faultline-it-").tempdir().expect("a temporary folder") }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `rel` (relative to the site root), creating folders as needed.
    pub(crate) fn with(self, rel: &str, contents: impl AsRef<[u8]>) -> Site {
        self.write(rel, contents);
        self
    }

    /// Removes the file `rel`.
    pub(crate) fn without(self, rel: &str) -> Site {
        std::fs::remove_file(self.path().join(rel)).unwrap_or_else(|e| panic!("cannot remove {rel}: {e}"));
        self
    }

    /// Makes `rel` a symbolic link pointing at `target` (written as given, so relative targets
    /// are relative to the link's folder).
    pub(crate) fn with_symlink(self, rel: &str, target: &str) -> Site {
        let link = self.path().join(rel);
        std::fs::create_dir_all(link.parent().expect("a parent")).expect("create the link's folder");
        std::os::unix::fs::symlink(target, &link).unwrap_or_else(|e| panic!("cannot link {rel}: {e}"));
        self
    }

    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the file's folder");
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
    }

    /// Sets `related_limit` in `site.yaml`, replacing any earlier setting.
    pub(crate) fn set_related_limit(&self, limit: usize) {
        let text: String = String::from_utf8(self.read("site.yaml"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("related_limit"))
            .map(|l| format!("{l}\n"))
            .collect();
        self.write("site.yaml", format!("{text}related_limit: {limit}\n"));
    }

    pub(crate) fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    /// Runs `faultline --root <site> <args>` (the root first, so a `--` in `args` ends
    /// only the command's options).
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let root = self.path().to_str().expect("a UTF-8 temporary path");
        let mut all: Vec<&str> = vec!["--root", root];
        all.extend(args);
        faultline(&all)
    }

    /// Runs `faultline <args>` with the site as the working folder and no `--root`.
    pub(crate) fn run_here(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// `faultline check`, text diagnostics on stderr.
    pub(crate) fn check(&self) -> Run {
        self.run(&["check"])
    }

    /// `faultline check --format json`, parsed.
    pub(crate) fn diagnostics(&self) -> Vec<Diag> {
        let run = self.run(&["check", "--format", "json"]);
        let diagnostics: Vec<Diag> = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("check --format json printed no JSON array ({e}):\n{run}"));
        let expected = if diagnostics.iter().any(|d| d.severity == "error") { 1 } else { 0 };
        assert_eq!(run.code, expected, "exit status of check --format json\n{run}");
        diagnostics
    }

    /// Asserts the site's diagnostics are exactly `expected`, in both formats: the JSON array
    /// item by item, and the text form's first line and hint for each, then the count line.
    pub(crate) fn assert_reports(&self, expected: &[Diag]) {
        assert_eq!(self.diagnostics(), expected, "check --format json");
        let run = self.check();
        let errors = expected.iter().filter(|d| d.severity == "error").count();
        run.assert_exit(if errors > 0 { 1 } else { 0 });
        let mut rest = run.stderr.as_str();
        for d in expected {
            let first = d.first_line();
            let at =
                rest.find(&first).unwrap_or_else(|| panic!("no line `{first}` (in order) in the text output:\n{run}"));
            rest = &rest[at + first.len()..];
            // The diagnostic's block runs to the blank line that ends it, newline included.
            let block_end = rest.find("\n\n").map_or(rest.len(), |i| i + 1);
            let block = &rest[..block_end];
            match &d.hint {
                Some(hint) => {
                    assert!(block.contains(&format!("\n  hint: {hint}\n")), "no hint `{hint}` after `{first}`:\n{run}")
                }
                None => assert!(!block.contains("\n  hint: "), "a hint after `{first}`, none expected:\n{run}"),
            }
        }
        if errors > 0 {
            let files: std::collections::BTreeSet<_> = expected.iter().filter_map(|d| d.file.as_deref()).collect();
            let plural = |n: usize, word: &str| {
                if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
            };
            let count = format!("error: {} in {}\n", plural(errors, "error"), plural(files.len().max(1), "file"));
            assert!(run.stderr.ends_with(&count), "the text output does not end with `{count}`:\n{run}");
        }
    }

    /// Asserts the site checks clean: exit 0, `[]` in JSON.
    pub(crate) fn assert_clean(&self) {
        let run = self.run(&["check", "--format", "json"]);
        run.assert_exit(0);
        assert_eq!(run.stdout.trim(), "[]", "{run}");
        self.check().assert_exit(0);
    }
}

/// One item of `check --format json`, with exactly the keys of docs/cli.md.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Diag {
    pub(crate) severity: String,
    pub(crate) file: Option<String>,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

impl Diag {
    /// An error in `file` at `(line, column)`, with an optional hint.
    pub(crate) fn error(file: &str, (line, column): (usize, usize), message: &str, hint: Option<&str>) -> Diag {
        Diag { line: Some(line), column: Some(column), ..Diag::file_error(file, message, hint) }
    }

    /// An error about the whole of `file`, with no position.
    pub(crate) fn file_error(file: &str, message: &str, hint: Option<&str>) -> Diag {
        Diag {
            severity: "error".into(),
            file: Some(file.into()),
            line: None,
            column: None,
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }

    /// `path:line:column: error: message`, leaving out what is unknown.
    pub(crate) fn first_line(&self) -> String {
        let mut location: Vec<String> = self.file.iter().cloned().collect();
        if self.file.is_some() {
            location.extend(self.line.map(|l| l.to_string()));
            if self.line.is_some() {
                location.extend(self.column.map(|c| c.to_string()));
            }
        }
        if location.is_empty() {
            format!("{}: {}", self.severity, self.message)
        } else {
            format!("{}: {}: {}", location.join(":"), self.severity, self.message)
        }
    }
}

/// What one run of the binary did.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: std::time::Duration,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}--- stderr\n{}---", self.code, self.stdout, self.stderr)
    }
}

impl Run {
    pub(crate) fn assert_exit(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "exit status\n{self}");
        self
    }
}

/// How long one run may take before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the real binary with `args`, in a folder where no site is, and asserts it finished
/// in time and did not panic: whatever the input, faultline answers with a message and an
/// exit status.
pub(crate) fn faultline(args: &[&str]) -> Run {
    run_in(&std::env::temp_dir(), args)
}

/// Runs `faultline <args>` with `input` on its stdin, under `prlimit --as` (a memory limit
/// far above what any run needs), so that a regression on a hostile input fails the test
/// instead of taking the machine down.
pub(crate) fn faultline_fed(args: &[&str], input: &[u8]) -> Run {
    const MEMORY: &str = "--as=536870912";
    let mut command = Command::new("prlimit");
    command.args([MEMORY, "--", env!("CARGO_BIN_EXE_faultline")]).args(args).current_dir(std::env::temp_dir());
    run_command(command, Some(input.to_vec()), args)
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_faultline"));
    command.args(args).current_dir(dir);
    run_command(command, None, args)
}

/// Runs `command` with `input` (or nothing) on its stdin; see [`faultline`].
fn run_command(mut command: Command, input: Option<Vec<u8>>, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut child = command
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the faultline binary");
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // On its own thread, so a child that answers as it reads never blocks on a full pipe.
        std::thread::spawn(move || {
            use std::io::Write;
            // The child may stop reading (an error, exit 1); what it printed is the test.
            let _ = stdin.write_all(&input);
        });
    }
    let stdout = drain(child.stdout.take().expect("a stdout pipe"));
    let stderr = drain(child.stderr.take().expect("a stderr pipe"));
    let status = wait_within(&mut child, TIMEOUT);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let run = Run {
        code: status.and_then(|s| s.code()).unwrap_or(-1),
        stdout: stdout.join().expect("read stdout"),
        stderr: stderr.join().expect("read stderr"),
        elapsed: started.elapsed(),
    };
    assert!(status.is_some(), "faultline did not finish within {TIMEOUT:?}: {args:?}\n{run}");
    assert_ne!(run.code, 101, "faultline panicked: {args:?}\n{run}");
    assert_ne!(run.code, -1, "faultline was killed by a signal: {args:?}\n{run}");
    assert!(!run.stderr.contains("panicked"), "faultline panicked: {args:?}\n{run}");
    run
}

/// Reads a pipe to the end on its own thread, so a full pipe never blocks the child.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder in the copy");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display())) {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

/// The clean fixture with the repository's default theme, ready to build or serve.
pub(crate) fn themed_fixture() -> Site {
    let site = Site::fixture("clean");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"), &site.path().join("themes"));
    site
}

/// The file in which a build records what each output file was made from, for the next
/// warm build: it holds file times and inodes, so it differs between any two builds, and
/// [`tree`] leaves it out (the warm-build tests read it on their own).
pub(crate) const RECORD: &str = ".faultline-record";

/// Every file under `dir`, by `/`-separated relative path, but a build's [`RECORD`].
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                if rel != RECORD {
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
    }
    out
}
