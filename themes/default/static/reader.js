/* faultline reader tools: copy buttons, the "Edit your error" form of entry pages, and the
 * proposal of an error the hub lacks (SEARCH.md). Progressive: every page works without it.
 *
 * It ranks nothing itself: matches come from `faultlineSearch.search` (search.js), the
 * ranking of the search box. What it adds is judgement about a ranking (is the best match
 * a good one? which matched words are rare enough to mark?) and the draft entry. Like
 * search.js, it puts every piece of content or of what a reader types into the page as a
 * DOM text node, never as HTML.
 */
(function (window) {
  "use strict";

  var document = window.document;
  var script = document.currentScript;
  // `propose_url` of site.yaml: `{path}` and `{content}` are filled in, percent-encoded.
  var proposeUrl = (script && script.getAttribute("data-propose")) || "";

  /** A match is good when it matched a code or a message exactly, or this share of the
   * query's weight (rare words weigh more). Below it, the reader is offered a proposal. */
  var GOOD_COVERAGE = 0.5;
  /** A result counts as a match of the query, not a weaker one, with this share of the
   * best result's points. */
  var STRONG_SHARE = 1 / 3;
  /** A word is marked in results when at most this share of the entries hold it. */
  var RARE_SHARE = 1 / 10;
  var MATCHES = 5;

  // Text-only DOM helpers from search.js, which loads first.
  var el = window.faultlineSearch.dom.el;
  var clear = window.faultlineSearch.dom.clear;

  /* ------------------------------------------------------------- Copy buttons */

  function copy(text, button) {
    function done(ok) {
      button.textContent = ok ? "Copied" : "Press Ctrl+C";
      window.setTimeout(function () {
        button.textContent = "Copy";
      }, 1500);
    }
    function fallback() {
      var area = el("textarea", { readonly: "", "aria-hidden": "true" });
      area.value = text;
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      done(ok);
    }
    if (window.navigator.clipboard && window.isSecureContext) {
      window.navigator.clipboard.writeText(text).then(function () {
        done(true);
      }, fallback);
    } else {
      fallback();
    }
  }

  /**
   * Adds a copy button for `text` to `node`, labelled for screen readers by `what`. A `pre`
   * scrolls sideways, so its button goes beside it in a wrapper rather than inside it.
   */
  function addCopy(node, text, what) {
    var button = el("button", { type: "button", class: "copy", "aria-label": "Copy " + what }, "Copy");
    button.addEventListener("click", function () {
      copy(text, button);
    });
    node.classList.add("copyable");
    if (node.tagName === "PRE") {
      var wrap = el("div", { class: "copy-wrap" });
      if (node.parentNode) {
        node.parentNode.insertBefore(wrap, node);
      }
      wrap.appendChild(node);
      wrap.appendChild(button);
      return wrap;
    }
    node.appendChild(button);
    return node;
  }

  function copyButtons(root) {
    var blocks = root.querySelectorAll("main pre");
    for (var i = 0; i < blocks.length; i++) {
      if (!blocks[i].classList.contains("copyable")) {
        addCopy(blocks[i], blocks[i].textContent.replace(/\n$/, ""), "the code");
      }
    }
    var lines = root.querySelectorAll(".log-lines > li");
    for (var j = 0; j < lines.length; j++) {
      var code = lines[j].querySelector("code");
      if (code && !lines[j].classList.contains("copyable")) {
        addCopy(lines[j], code.textContent, "the message");
      }
    }
  }

  /* ------------------------------------------------- Judging a ranked result */

  function holds(postings, doc) {
    for (var i = 0; i < postings.length; i += 2) {
      if (postings[i] === doc) {
        return true;
      }
    }
    return false;
  }

  function loaded(index, t) {
    return Boolean(index.shards[index.shardOfTerm(t)]);
  }

  /** The share of the query's weight that document `doc` matched; each scoring term
   * weighs by its rarity, and a word the hub does not know weighs most. */
  function coverage(result, doc) {
    var index = result.index;
    var n = index.count;
    var total = 0;
    var got = 0;
    result.plan.scoring.forEach(function (s) {
      var first = s.expansions[0];
      var weight = 1 + Math.log2(n + 1);
      if (first && loaded(index, first[0])) {
        weight = 1 + Math.log2(n / Math.max(1, index.docFrequency(first[0])));
      }
      total += weight;
      var matched = s.expansions.some(function (e) {
        return loaded(index, e[0]) && holds(index.postingsOf(e[0]), doc);
      });
      if (matched) {
        got += weight;
      }
    });
    return total > 0 ? got / total : 0;
  }

  /** Whether the best result of `result` answers the query. */
  function goodMatch(result) {
    var top = result.hits && result.hits[0];
    return Boolean(top) && (top[1] > 0 || coverage(result, top[0]) >= GOOD_COVERAGE);
  }

  /** How many of the results, best first, match the query rather than a word of it. */
  function strongCount(result) {
    var hits = result.hits || [];
    if (!hits.length) {
      return 0;
    }
    var top = hits[0];
    var n = 0;
    while (n < hits.length && (hits[n][1] > 0 || hits[n][2] >= top[2] * STRONG_SHARE)) {
      n++;
    }
    return n;
  }

  /** The search box's marks, less the common words: only rare terms, and the codes of the
   * results, are marked, so a pasted line does not light up word for word. */
  function rareMarks(result) {
    var index = result.index;
    var marks = index.marks(result.plan);
    var limit = Math.max(1, Math.floor(index.count * RARE_SHARE));
    var codes = new Set(
      (result.hits || []).map(function (h) {
        return index.codes[h[0]];
      }),
    );
    var full = new Set();
    marks.full.forEach(function (term) {
      var t = index.find(term);
      if (codes.has(term) || (t >= 0 && loaded(index, t) && index.docFrequency(t) <= limit)) {
        full.add(term);
      }
    });
    return { full: full, prefixes: result.plan.scoring.length <= 2 ? marks.prefixes : [] };
  }

  /* ------------------------------------------------------------ The draft */

  var REASON = /HTTP\/[0-9.]+\s+([1-5][0-9]{2})(?:\s+([A-Za-z][A-Za-z' -]{1,40}[A-Za-z]))?/;
  var STATUS_KEY = /\b(?:status|status_code|http_status|code)[=:]\s*"?([1-5][0-9]{2})\b/i;
  var SHAPES = [
    /\bcode=([A-Z][0-9]{1,3})\b/, // Heroku router: code=H10
    /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/, // DEPLOYMENT_NOT_FOUND, ERR_SSL_PROTOCOL_ERROR
    /\b([A-Z][a-z]+(?:[A-Z][a-z]+)+)\b/, // CrashLoopBackOff, ImagePullBackOff
  ];
  var BARE_STATUS = /(?:^|\s)([1-5][0-9]{2})(?=\s|$)/;
  // Lines whose source shows in their shape rather than in a name.
  var SIGNATURES = [["nginx", /\[(?:emerg|alert|crit|error|warn|notice|info)\] \d+#\d+:/]];

  function lines(query) {
    return query
      .split(/\r?\n/)
      .map(function (l) {
        return l.trim();
      })
      .filter(Boolean)
      .slice(0, 5);
  }

  /** The code and title a line suggests: a status with its reason, a status, or a code
   * of a known shape; `null` when there is none. */
  function guessCode(line, index) {
    var m = REASON.exec(line);
    if (m) {
      return { code: m[1], status: true, title: m[2] ? m[1] + " " + m[2].trim() : "" };
    }
    // A platform's own code says more than the status it answers with.
    for (var i = 0; i < SHAPES.length; i++) {
      m = SHAPES[i].exec(line);
      if (m) {
        return { code: m[1], status: false, title: "" };
      }
    }
    m = STATUS_KEY.exec(line);
    if (m) {
      return { code: m[1], status: true, title: "" };
    }
    m = BARE_STATUS.exec(window.faultlineSearch.engine.reduce(line, index.rules));
    return m ? { code: m[1], status: true, title: "" } : null;
  }

  function slug(text) {
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "");
  }

  /** The hub's sources, from the ids of its entries (`index.ids`, which the search loads
   * for the pages that propose an entry). */
  function sources(index) {
    var seen = new Set();
    index.ids.forEach(function (id) {
      seen.add(id.split("/")[0]);
    });
    return seen;
  }

  function guessSource(line, index, fallback) {
    var known = sources(index);
    var lower = line.toLowerCase();
    for (var i = 0; i < SIGNATURES.length; i++) {
      if (known.has(SIGNATURES[i][0]) && SIGNATURES[i][1].test(line)) {
        return SIGNATURES[i][0];
      }
    }
    var named = Array.from(known).filter(function (s) {
      // Every URL says "http": that names no source.
      return s !== "http" && s.length >= 3 && lower.indexOf(s) >= 0;
    });
    return named[0] || fallback;
  }

  function words(line, index, n) {
    return window.faultlineSearch.engine
      .reduce(line, index.rules)
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, n)
      .join(" ");
  }

  function yamlString(text) {
    // A JSON string is a valid YAML double-quoted scalar.
    return JSON.stringify(text);
  }

  /**
   * The draft entry for a query nothing matches: { id, path, content, command }. `page` is
   * the source of the entry page the form is on, if any.
   */
  function draft(query, index, page) {
    var messages = lines(query);
    var first = messages[0] || query.trim();
    var guess = guessCode(first, index);
    var code = guess ? guess.code : "";
    var source = guess && guess.status ? guessSource(first, index, "http") : guessSource(first, index, page || "other");
    var name = slug(code) || slug(words(first, index, 6)) || "new-error";
    if (source === "http" && !(guess && guess.status)) {
      source = page && page !== "http" ? page : "other";
    }
    var taken = new Set(index.ids);
    if (source === "http" && taken.has("http/" + name)) {
      source = "other";
    }
    var id = source + "/" + name;
    for (var k = 2; taken.has(id); k++) {
      id = source + "/" + name + "-" + k;
    }
    code = code || name;
    var rest = guess ? first.split(guess.code).join(" ") : first;
    var title = (guess && guess.title) || (code + ": " + words(rest, index, 8)).slice(0, 90);
    var today = new Date().toISOString().slice(0, 10);
    var content =
      "---\n" +
      "title: " +
      yamlString(title) +
      "\n" +
      "code: " +
      yamlString(code) +
      "\n" +
      "summary: " +
      yamlString("What " + code + " means, in one sentence.") +
      "\n" +
      "messages:\n" +
      messages
        .map(function (m) {
          return "  - " + yamlString(m) + "\n";
        })
        .join("") +
      "updated: " +
      today +
      "\n" +
      "draft: true\n" +
      "---\n" +
      "## What this means\n\n";
    return { id: id, path: id + ".md", content: content, command: "faultline new " + id };
  }

  /** Where the draft goes with `propose_url` set. */
  function proposalUrl(d) {
    var url = proposeUrl.split("{path}").join(encodeURIComponent(d.path));
    return url.split("{content}").join(encodeURIComponent(d.content));
  }

  /** Fills `box` with the proposal of `query` as a new entry, and shows it. */
  function offer(box, query, index, page) {
    if (!box || !query.trim()) {
      return null;
    }
    var d = draft(query, index, page);
    clear(box);
    box.setAttribute("data-id", d.id);
    box.appendChild(el("h3", {}, "Not in this hub yet? Propose it"));
    if (proposeUrl) {
      var p = el("p", {}, "Nothing here matches this message well. ");
      p.appendChild(el("a", { class: "propose-link", href: proposalUrl(d) }, "Propose content/" + d.path));
      p.appendChild(document.createTextNode(": the site's repository opens with this draft filled in."));
      box.appendChild(p);
    } else {
      var how = "Create the page in the site's folder with this command, then paste the draft below into content/";
      box.appendChild(el("p", {}, "Nothing here matches this message well. " + how + d.path + ":"));
      var command = el("pre", { class: "propose-command" });
      command.appendChild(el("code", {}, d.command));
      box.appendChild(addCopy(command, d.command, "the command"));
    }
    var pre = el("pre", { class: "propose-draft" });
    pre.appendChild(el("code", {}, d.content));
    box.appendChild(addCopy(pre, d.content, "the draft"));
    box.hidden = false;
    return d;
  }

  /* ------------------------------------------------------ Edit your error */

  function EditForm(form) {
    var self = this;
    this.form = form;
    this.box = form.querySelector("textarea");
    this.out = document.getElementById("edit-your-error-results");
    this.here = form.getAttribute("data-id");
    // The entry's source: a draft proposed from its page most likely belongs there too.
    this.page = (this.here || "").split("/")[0];
    this.pending = null;
    this.timer = 0;
    this.box.addEventListener("input", function () {
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () {
        self.run();
      }, 120);
    });
    this.box.addEventListener("focus", function () {
      window.faultlineSearch.preload();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      self.run();
    });
    // Matches now show as the reader types: the note for readers without scripts goes.
    var note = form.querySelector(".no-script");
    if (note) {
      note.hidden = true;
    }
  }

  EditForm.prototype.run = function () {
    var self = this;
    var query = this.box.value;
    if (this.pending) {
      this.pending.cancel();
    }
    clear(this.out);
    if (!query.trim()) {
      return;
    }
    this.out.appendChild(el("p", { class: "note" }, "Looking for matches…"));
    this.pending = window.faultlineSearch.search(
      query,
      MATCHES,
      function (result) {
        self.pending = null;
        self.show(query, result);
      },
      // A draft, which needs every id, only when nothing matches well.
      {
        ids: function (ranked) {
          return !goodMatch(ranked);
        },
      },
    );
  };

  EditForm.prototype.show = function (query, result) {
    var out = this.out;
    var here = this.here;
    clear(out);
    if (result.error) {
      out.appendChild(el("p", {}, "Matching needs the search index, which could not be loaded."));
      return;
    }
    var hits = result.hits;
    var good = goodMatch(result);
    var ids = hits.map(function (h) {
      return result.index.doc(h[0])[0];
    });
    if (hits.length) {
      var lead = !good
        ? "No entry matches this message well. The closest:"
        : ids[0] === here
          ? "This page is still the best match:"
          : "Best matches for your message:";
      out.appendChild(el("p", { class: "edit-status" }, lead));
      var list = el("ol", { class: "edit-matches" });
      hits.forEach(function (h) {
        var doc = result.index.doc(h[0]);
        var li = el("li");
        li.appendChild(el("a", { href: window.faultlineSearch.url(doc[0]), "data-id": doc[0] }, doc[1]));
        if (doc[0] === here) {
          li.appendChild(el("span", { class: "here" }, "this page"));
        }
        list.appendChild(li);
      });
      out.appendChild(list);
    }
    var proposal = null;
    if (!good) {
      var box = el("div", { class: "propose" });
      out.appendChild(box);
      proposal = offer(box, query, result.index, this.page);
    }
    this.form.dispatchEvent(
      new window.CustomEvent("faultline:edit", {
        bubbles: true,
        detail: { query: query, ids: ids, good: good, draft: proposal },
      }),
    );
  };

  window.faultlineReader = {
    goodMatch: goodMatch,
    strongCount: strongCount,
    rareMarks: rareMarks,
    draft: draft,
    offer: function (box, query, index) {
      return offer(box, query, index, "");
    },
  };

  function start() {
    copyButtons(document);
    var form = document.getElementById("edit-your-error");
    if (form && window.faultlineSearch && form.querySelector("textarea")) {
      new EditForm(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(window);
