//! Never a panic: every kind of bad input, alone, all at once, and as generated noise, ends
//! with exit status 1 and diagnostics; never exit 101, "panicked", a signal or a hang (the
//! harness checks those on every run).

use crate::harness::{Diag, Site};

type Setup = fn(Site) -> Site;

const HEAD: &str = "---\ntitle: T\ncode: \"500\"\nsummary: S.\n";

/// Every kind of bad input, each with the file its first diagnostic names. The paths differ,
/// so that all of them fit in one site.
const BAD_INPUTS: &[(&str, Setup)] = &[
    ("content/http/500.md", |s| {
        s.with("content/http/500.md", "---\ntitle: 500\ncode: \"500\"\nsummary: Error: x\n---\n")
    }),
    ("content/http/501.md", |s| s.with("content/http/501.md", "")),
    ("content/acme/e1.yaml", |s| s.with("content/acme/e1.yaml", "")),
    ("content/http/505.md", |s| s.with("content/http/505.md", "title: x\n")),
    ("content/http/506.md", |s| s.with("content/http/506.md", "---\ntitle: x\n")),
    ("content/http/507.md", |s| s.with("content/http/507.md", b"---\ntitle: \xff\xfe\n---\n")),
    ("content/http/508.md", |s| s.with("content/http/508.md", vec![b'a'; 2 * 1024 * 1024])),
    ("content/http/510.md", |s| {
        let file = std::fs::File::create(s.path().join("content/http/510.md")).expect("create");
        file.set_len(50 * 1024 * 1024).expect("grow");
        s
    }),
    ("content/http/511.md", |s| s.with("content/http/511.md", "---\ntitel: x\ncode: \"511\"\nsummary: s\n---\n")),
    ("content/http/400.md", |s| {
        s.with(
            "content/http/400.md",
            "---\ntitle: x\ncode: \"400\"\nsummary: s\ncauses:\n  - { title: a, detial: b }\n---\n",
        )
    }),
    ("content/http/401.md", |s| {
        s.with("content/http/401.md", "---\ntitle: x\ncode: \"401\"\nsummary: s\nbody: x\n---\n")
    }),
    ("content/http/402.md", |s| s.with("content/http/402.md", "---\ntitle: x\ncode: \"402\"\n---\n")),
    ("content/http/403.md", |s| {
        s.with(
            "content/http/403.md",
            "---\ntitle: x\ncode: \"403\"\nsummary: s\ncauses: [{ title: a, likelihood: often }]\n---\n",
        )
    }),
    ("content/http/405.md", |s| {
        s.with("content/http/405.md", "---\ntitle: x\ncode: \"405\"\nsummary: s\nupdated: 2026-02-30\n---\n")
    }),
    ("content/acme/e2.md", |s| {
        s.with("content/acme/e2.md", "---\ntitle: x\ncode: E2\nsummary: s\nstatus: 70000\n---\n")
    }),
    ("content/acme/e3.md", |s| {
        s.with("content/acme/e3.md", "---\ntitle: x\ncode: E3\nsummary: s\niana: assigned\n---\n")
    }),
    ("content/http/406.md", |s| s.with("content/http/406.md", "---\ntitle: x\ncode: \"407\"\nsummary: s\n---\n")),
    ("content/http/408.md", |s| {
        s.with("content/http/408.md", "---\ntitle: x\ncode: \"408\"\nsummary: s\ntags: [Up, a, a]\n---\n")
    }),
    ("content/http/409.md", |s| {
        s.with("content/http/409.md", "---\ntitle: x\ncode: \"409\"\nsummary: s\nrelated: [http/9999, http/409]\n---\n")
    }),
    ("content/http/410.md", |s| {
        s.with("content/http/410.md", "---\ntitle: x\ncode: \"410\"\nsummary: s\nrelated: [heroku/h12]\n---\n[a](@/heroku/h12) [b](@/http/504#nope) [c](javascript:x) [d](@/Bad)\n")
    }),
    ("content/http/411.yml", |s| s.with("content/http/411.yml", "x")),
    ("content/http/logo.png", |s| s.with("content/http/logo.png", b"\x89PNG")),
    ("content/412.md", |s| s.with("content/412.md", "x")),
    ("content/http/old", |s| s.with("content/http/old/413.md", "x")),
    ("content/acme/d", |s| s.with(&format!("content/acme/{}e.md", "d/".repeat(40)), "x")),
    ("content/acme/link.md", |s| s.with_symlink("content/acme/link.md", "../http/502.md")),
    ("content/acme/loop", |s| s.with_symlink("content/acme/loop", "loop")),
    ("content/heroku/H14.md", |s| s.with("content/heroku/H14.md", "x")),
    ("content/tags", |s| s.with("content/tags/x.md", "x")),
    ("content/compare/http-404-vs-http-502.md", |s| s.with("content/compare/http-404-vs-http-502.md", "x")),
    ("content/compare/http-503-vs-http-502.md", |s| {
        s.with("content/compare/http-503-vs-http-502.md", "---\nbad: [\n---\n")
    }),
    ("content/http/502.yaml", |s| s.with("content/http/502.yaml", "title: x\ncode: \"502\"\nsummary: s\n")),
    ("site.yaml", |s| s.with("site.yaml", "title: [\nrelated_limt: x\n")),
    ("content/http/414.md", |s| {
        s.with(
            "content/http/414.md",
            "---\ntitle: x\ncode: \"414\"\nsummary: s\nredirect_from: [heroku/app-crashed, http/414, Bad]\n---\n",
        )
    }),
    ("content/_index.md", |s| s.with("content/_index.md", "---\nfoo: [\n---\n")),
    ("content/http/_index.md", |s| {
        s.with("content/http/_index.md", "---\ntitle: x\n---\n[x](@/nope/nope#x) [y](data:x)\n")
    }),
    ("content/http/415.md", |s| {
        let mut text = String::from("---\ntitle: x\ncode: \"415\"\nsummary: s\n");
        text.push_str("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
        }
        s.with("content/http/415.md", format!("{text}---\n"))
    }),
    ("content/http/416.md", |s| {
        s.with("content/http/416.md", format!("---\ntitle: {}{}\n---\n", "[".repeat(5000), "]".repeat(5000)))
    }),
    ("content/http/417.md", |s| {
        s.with(
            "content/http/417.md",
            "---\ntitle: x\ncode: 417\nsummary: s\nstatus: [1]\nspec: 3\ncauses: x\nfaq: [{}]\nsteps: [[]]\n---\n",
        )
    }),
    ("content/http/421.md", |s| s.with("content/http/421.md", "---\n? [a, b]\n: c\n1: 2\ntitle: x\n---\n")),
];

fn ids(diagnostics: &[Diag]) -> Vec<&str> {
    diagnostics.iter().filter_map(|d| d.file.as_deref()).collect()
}

#[test]
fn no_bad_input_alone_makes_check_panic() {
    for (file, setup) in BAD_INPUTS {
        let site = setup(Site::fixture("clean"));
        site.check().assert_exit(1);
        let diagnostics = site.diagnostics();
        assert!(ids(&diagnostics).contains(file), "no diagnostic names {file}: {diagnostics:#?}");
    }
}

#[test]
fn every_bad_input_at_once_is_reported_in_one_run() {
    let site = BAD_INPUTS.iter().fold(Site::fixture("clean"), |site, (_, setup)| setup(site));
    let run = site.check();
    run.assert_exit(1);
    assert!(run.stderr.lines().last().is_some_and(|l| l.starts_with("error: ")), "{run}");
    let diagnostics = site.diagnostics();
    for (file, _) in BAD_INPUTS {
        assert!(ids(&diagnostics).contains(file), "no diagnostic names {file}");
    }
}

#[test]
fn bad_ids_never_make_new_panic() {
    let site = Site::fixture("clean");
    for id in [
        "",
        "/",
        "//",
        "a/",
        "/a",
        "a/b/c",
        "../x",
        "http/..",
        "http/-1",
        "http/99999999999999999999",
        "ü/ü",
        "a b/c",
        "http/502\n",
    ] {
        let run = site.run(&["new", id]);
        assert_eq!(run.code, 2, "new {id:?}\n{run}");
    }
}

/// Small pieces of entry syntax, valid and not, for generated files.
const PIECES: &[&str] = &[
    "---\n",
    "---\r\n",
    "\u{feff}",
    "title: ",
    "code: ",
    "summary: ",
    "status: ",
    "iana: ",
    "related: ",
    "compare: ",
    "tags: ",
    "redirect_from: ",
    "updated: ",
    "draft: ",
    "causes:\n",
    "steps:\n",
    "faq:\n",
    "spec: ",
    "body: |\n  ",
    "  - ",
    "{ title: ",
    "detail: ",
    "likelihood: ",
    "q: ",
    "a: ",
    "label: ",
    "url: ",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "\"",
    "'",
    "\n",
    "\n",
    "\n",
    "  ",
    "http/502",
    "http/504#causes",
    "heroku/h12",
    "acme/e9",
    "@/",
    "[x](",
    ")",
    "](@/http/",
    "javascript:",
    "data:",
    "#",
    "## Heading\n",
    "`",
    "*",
    "&a ",
    "*a",
    "!!str ",
    "|",
    ">",
    "?",
    "%",
    "@",
    "\t",
    "\r",
    "2026-02-30",
    "70000",
    "-1",
    "502",
    "true",
    "null",
    "~",
    "é",
    "€",
    "\u{0}",
    "<script>",
    "\\",
    "H10",
    "Proxy",
];

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, pieces: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..pieces {
            let n = self.next();
            if n.is_multiple_of(29) {
                out.push((n >> 8) as u8);
            } else {
                out.extend(PIECES[(n >> 8) as usize % PIECES.len()].as_bytes());
            }
        }
        out
    }
}

#[test]
fn generated_noise_never_makes_check_panic() {
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let paths = [
        "content/http/500.md",
        "content/acme/e5.yaml",
        "content/_index.md",
        "content/http/_index.md",
        "content/compare/http-502-vs-http-503.md",
        "site.yaml",
    ];
    // Many runs with one noisy file each, to reach each file's deepest checks.
    for round in 0..120 {
        let site = Site::fixture("clean");
        let path = paths[round % paths.len()];
        let mut text = if round % 2 == 0 { HEAD.as_bytes().to_vec() } else { Vec::new() };
        let length = 5 + noise.next() as usize % 80;
        text.extend(noise.text(length));
        site.write(path, &text);
        // Shown only when the test fails, to replay the input.
        eprintln!("round {round}: {path} <- {:?}", String::from_utf8_lossy(&text));
        let run = site.check();
        assert!(run.code == 0 || run.code == 1, "round {round}, {path}: {:?}\n{run}", String::from_utf8_lossy(&text));
    }
    // One run with many noisy files, to mix their references.
    let site = Site::fixture("clean");
    for i in 0..200 {
        let mut text = HEAD.replace("500", &(200 + i).to_string()).into_bytes();
        text.extend(noise.text(40));
        site.write(&format!("content/http/{}.md", 200 + i), &text);
        site.write(&format!("content/noise/n{i}.yaml"), noise.text(30));
    }
    let run = site.run(&["check", "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{run}");
}
