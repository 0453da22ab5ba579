/* faultline search: the search box, the results and the ranking of SEARCH.md.
 *
 * One file, no build step, no dependencies, ES2019; works from file:// (the index is a
 * pair of scripts, never fetched). Three parts:
 *
 * 1. The engine: words (SEARCH.md §1), query reduction (§2) and ranking (§4), a port of
 *    src/search/{words,reduce,rank}.rs rule for rule; each function names its Rust twin.
 *    Weights, word lists and every ranking constant come from the index head (`rules`,
 *    SEARCH.md §6), so this file holds the algorithm only; tests/browser/parity.mjs checks
 *    that both give the same top ten on thousands of queries.
 * 2. The loader: `faultlineSearch.index(data)`, `.shard(k, data)`, `.docs(n, list)` and
 *    `.ids(text)` are called by search/index.js, search/shard-<k>.js, search/docs-<n>.js
 *    and search/ids.js, appended as <script> elements when a query first needs them.
 * 3. The interface: the header's combobox, the search page, and the `/` shortcut. Every
 *    piece of content or query reaches the page as a DOM text node, never as HTML.
 */
(function (window) {
  "use strict";

  if (window.faultlineSearch && window.faultlineSearch.engine) {
    return;
  }

  /* ------------------------------------------------------------------ 1. Words (§1) */

  // Rust's char::is_alphanumeric is Alphabetic or Numeric (Nd, Nl, No); is_uppercase and
  // is_lowercase are the Uppercase and Lowercase properties; split_whitespace splits on
  // White_Space. The same properties here, so both sides agree beyond ASCII.
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var ALPHA = /\p{Alphabetic}/u;
  var UPPER = /\p{Uppercase}/u;
  var LOWER = /\p{Lowercase}/u;
  var SPACES = /[\p{White_Space}]+/u;
  var SPACE = /[\p{White_Space}]/u;
  var SPACE_OR_COMMA = /[\p{White_Space},]/u;
  var LEADING_SPACES = /^[\p{White_Space}]+/u;

  function isAlnum(c) {
    var n = c.charCodeAt(0);
    if (n < 128) {
      return (n >= 48 && n <= 57) || (n >= 65 && n <= 90) || (n >= 97 && n <= 122);
    }
    return ALNUM.test(c);
  }

  function isUpper(c) {
    var n = c.charCodeAt(0);
    return n < 128 ? n >= 65 && n <= 90 : UPPER.test(c);
  }

  function isLower(c) {
    var n = c.charCodeAt(0);
    return n < 128 ? n >= 97 && n <= 122 : LOWER.test(c);
  }

  /** The last code point of a string, or "". */
  function lastChar(s) {
    if (!s) {
      return "";
    }
    var n = s.charCodeAt(s.length - 1);
    return n >= 0xdc00 && n <= 0xdfff && s.length > 1 ? s.slice(-2) : s.slice(-1);
  }

  /** Length in code points (Rust's chars().count()). */
  function charCount(s) {
    var n = s.length;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          n--;
          i++;
        }
      }
    }
    return n;
  }

  // Rust: str::split_whitespace.
  function words(text) {
    return text.split(SPACES).filter(function (w) {
      return w !== "";
    });
  }

  /**
   * A word's runs of letters and digits, each as [run, joined]: joined when exactly one
   * - or _ links it to the run before (Back-off, ERR_TOO_MANY_REDIRECTS). Rust: words::chunks.
   */
  function chunks(word) {
    var out = [];
    var start = -1;
    var gapStart = 0;
    var i = 0;
    for (var c of word) {
      var alnum = isAlnum(c);
      if (alnum && start < 0) {
        var gap = word.slice(gapStart, i);
        out.push([null, out.length > 0 && (gap === "-" || gap === "_")]);
        start = i;
      } else if (!alnum && start >= 0) {
        out[out.length - 1][0] = word.slice(start, i);
        start = -1;
        gapStart = i;
      }
      i += c.length;
    }
    if (start >= 0) {
      out[out.length - 1][0] = word.slice(start);
    }
    return out;
  }

  /** CrashLoopBackOff -> Crash, Loop, Back, Off. Rust: words::camel_pieces. */
  function camelPieces(chunk) {
    var pieces = [];
    var start = 0;
    var previousLower = false;
    var i = 0;
    for (var c of chunk) {
      if (previousLower && isUpper(c)) {
        pieces.push(chunk.slice(start, i));
        start = i;
      }
      previousLower = isLower(c);
      i += c.length;
    }
    pieces.push(chunk.slice(start));
    return pieces;
  }

  /**
   * Text -> { parts, terms, tail }: parts for phrases, terms for lookup (parts, then each
   * chunk split by case, then each compound, joined and lowercased). When the text ends
   * with a letter or digit, tail counts the last terms that end there: the last piece,
   * its chunk when split by case, its compound. Rust: words::split (and words::walk).
   */
  function split(text) {
    var parts = [];
    var terms = [];
    var ending = 0;
    var ws = words(text);
    for (var w = 0; w < ws.length; w++) {
      var compound = "";
      var joinedChunks = 0;
      var cs = chunks(ws[w]);
      for (var k = 0; k < cs.length; k++) {
        var chunk = cs[k][0];
        if (!cs[k][1]) {
          if (joinedChunks > 1) {
            terms.push(compound);
          }
          compound = "";
          joinedChunks = 0;
        }
        var pieces = camelPieces(chunk);
        for (var p = 0; p < pieces.length; p++) {
          var piece = pieces[p].toLowerCase();
          parts.push(piece);
          terms.push(piece);
        }
        ending = 1;
        var lower = chunk.toLowerCase();
        if (pieces.length > 1) {
          terms.push(lower);
          ending++;
        }
        compound += lower;
        joinedChunks++;
      }
      if (joinedChunks > 1) {
        terms.push(compound);
        ending++;
      }
    }
    var endsOpen = text !== "" && isAlnum(lastChar(text));
    return { parts: parts, terms: terms, tail: endsOpen ? ending : 0 };
  }

  /** Whether a term is worth scoring: not a stop word, not too short. Rust: words::scores. */
  function scores(term, rules) {
    return charCount(term) >= rules.min_term_chars && !rules.stop.has(term);
  }

  /** A code as the index keys it: letters and digits, each lowercased on its own.
   * Rust: words::code_key. */
  function codeKey(code) {
    var out = "";
    for (var c of code) {
      if (isAlnum(c)) {
        out += c.toLowerCase();
      }
    }
    return out;
  }

  /* -------------------------------------------------------- 2. Query reduction (§2) */

  // The word lists and thresholds (noise keys, nginx context keys, stripped characters, id
  // lengths) are `rules` from the index head: src/search/reduce.rs's constants.

  // Rust: reduce::is_key_start.
  function isKeyStart(n) {
    return (n >= 65 && n <= 90) || (n >= 97 && n <= 122) || n === 95;
  }

  // Rust: reduce::is_key_char.
  function isKeyChar(n) {
    return isKeyStart(n) || (n >= 48 && n <= 57);
  }

  /** Where a value starting at `start` ends (after a closing quote, else at a space).
   * Rust: reduce::value_end. */
  function valueEnd(text, start, comma) {
    var rest = text.slice(start);
    var close;
    if (rest.charAt(0) === '"') {
      close = rest.indexOf('"', 1);
      if (close >= 0) {
        return start + close + 1;
      }
    }
    if (!comma && rest.charAt(0) === "'") {
      close = rest.indexOf("'", 1);
      if (close >= 0) {
        return start + close + 1;
      }
    }
    var m = (comma ? SPACE_OR_COMMA : SPACE).exec(rest);
    return start + (m ? m.index : rest.length);
  }

  function isQuote(c) {
    return c === '"' || c === "'";
  }

  /** key=value -> value, or nothing when the key is a noise key. Rust: reduce::key_values. */
  function keyValues(text, noise) {
    var out = "";
    var copied = 0;
    var i = 0;
    var n = text.length;
    while (i < n) {
      if (!isKeyStart(text.charCodeAt(i))) {
        i++;
        continue;
      }
      var eq = i;
      while (eq < n && isKeyChar(text.charCodeAt(eq))) {
        eq++;
      }
      if (eq === n || text.charAt(eq) !== "=") {
        i = Math.max(eq, i + 1);
        continue;
      }
      var key = text.slice(i, eq);
      var end = valueEnd(text, eq + 1, false);
      out += text.slice(copied, i);
      if (!noise.has(key.toLowerCase())) {
        var value = text.slice(eq + 1, end);
        if (value.length >= 2 && isQuote(value.charAt(0)) && isQuote(value.charAt(value.length - 1))) {
          value = value.slice(1, -1);
        }
        out += value;
      }
      copied = end;
      i = end;
    }
    return out + text.slice(copied);
  }

  /** Drops nginx's `client: 1.2.3.4, server: example.com, request: "GET / HTTP/1.1"`.
   * Rust: reduce::context_pairs. */
  function contextPairs(text, contextKeys) {
    var out = "";
    var copied = 0;
    var i = 0;
    while (i < text.length) {
      var atBoundary = i === 0 || !isKeyChar(text.charCodeAt(i - 1));
      var key = null;
      for (var k = 0; k < contextKeys.length; k++) {
        var ck = contextKeys[k];
        if (text.startsWith(ck, i) && text.charAt(i + ck.length) === ":") {
          key = ck;
          break;
        }
      }
      if (key !== null && atBoundary) {
        var start = i + key.length + 1;
        var after = text.slice(start);
        start += after.length - after.replace(LEADING_SPACES, "").length;
        out += text.slice(copied, i);
        copied = valueEnd(text, start, true);
        i = copied;
      } else {
        var c = text.charCodeAt(i);
        i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      }
    }
    return out + text.slice(copied);
  }

  // Rust: reduce::digits.
  function digits(s) {
    return s !== "" && /^[0-9]+$/.test(s);
  }

  // Rust: reduce::leading_digits.
  function leadingDigits(s) {
    var m = /^[0-9]*/.exec(s)[0];
    return [m, s.slice(m.length)];
  }

  // Rust: reduce::is_date.
  function isDate(w) {
    // 2026/04/20, 2026-04-20T10:01:02Z
    var a = leadingDigits(w);
    var rest = a[1];
    if (a[0].length === 4 && (rest.charAt(0) === "-" || rest.charAt(0) === "/")) {
      var m = leadingDigits(rest.slice(1));
      if (m[0].length >= 1 && m[0].length <= 2 && (m[1].charAt(0) === "-" || m[1].charAt(0) === "/")) {
        var d = leadingDigits(m[1].slice(1))[0];
        return d.length >= 1 && d.length <= 2;
      }
    }
    // 20/Apr/2026:10:01:02
    var b = leadingDigits(w);
    if (b[0].length >= 1 && b[0].length <= 2 && b[1].charAt(0) === "/") {
      var r = b[1].slice(1);
      if (r.length >= 8) {
        var month = r.slice(0, 3);
        var tail = r.slice(3);
        return /^[A-Za-z]{3}$/.test(month) && tail.charAt(0) === "/" && leadingDigits(tail.slice(1))[0].length === 4;
      }
    }
    return false;
  }

  // Rust: reduce::is_time.
  function isTime(w) {
    var h = leadingDigits(w);
    return h[0].length >= 1 && h[0].length <= 2 && h[1].charAt(0) === ":" && leadingDigits(h[1].slice(1))[0].length === 2;
  }

  // Rust: reduce::is_ipv4.
  function isIpv4(w) {
    var colon = w.indexOf(":");
    var address = colon >= 0 ? w.slice(0, colon) : w;
    var port = colon >= 0 ? w.slice(colon + 1) : "";
    var octets = address.split(".");
    return (
      octets.length === 4 &&
      octets.every(function (o) {
        return digits(o) && o.length <= 3;
      }) &&
      ((port === "" && colon < 0) || digits(port))
    );
  }

  // Rust: reduce::is_ipv6.
  function isIpv6(w) {
    return w.split(":").length - 1 >= 2 && /^[0-9A-Fa-f:.]*$/.test(w);
  }

  // Rust: reduce::is_url.
  function isUrl(w) {
    var at = w.indexOf("://");
    return at >= 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(w.slice(0, at));
  }

  // Rust: reduce::is_path.
  function isPath(w) {
    return w.startsWith("/") || w.startsWith("./") || w.startsWith("../") || w.startsWith("~/");
  }

  // Rust: reduce::is_host.
  function isHost(w) {
    var name = w;
    var colon = w.lastIndexOf(":");
    if (colon >= 0 && digits(w.slice(colon + 1))) {
      name = w.slice(0, colon);
    }
    var labels = name.split(".");
    return (
      labels.length >= 2 &&
      labels.every(function (l) {
        return /^[A-Za-z0-9-]+$/.test(l);
      }) &&
      /^[A-Za-z]{2,}$/.test(labels[labels.length - 1])
    );
  }

  function count(s, re) {
    var m = s.match(re);
    return m ? m.length : 0;
  }

  // Rust: reduce::is_id.
  function isId(w, rules) {
    var hex = w.length >= rules.hex_id_chars && /^[0-9A-Fa-f]+$/.test(w) && /[0-9]/.test(w);
    var mixed =
      w.length >= rules.id_chars &&
      /^[A-Za-z0-9:-]+$/.test(w) &&
      count(w, /[0-9]/g) >= rules.id_digits &&
      /[A-Za-z]/.test(w);
    return hex || mixed;
  }

  /** Whether a word (stripped of surrounding punctuation) names one occurrence, or is
   * nothing but punctuation. Rust: reduce::is_noise. */
  function isNoise(w, rules) {
    if (w === "") {
      return true;
    }
    var hash = w.indexOf("#");
    var pid = hash >= 0 && digits(w.slice(0, hash)) && digits(w.slice(hash + 1));
    var connection = w.charAt(0) === "*" && digits(w.slice(1));
    var zone = (w.charAt(0) === "+" || w.charAt(0) === "-") && w.length === 5 && digits(w.slice(1));
    return (
      isDate(w) ||
      isTime(w) ||
      zone ||
      pid ||
      connection ||
      isIpv4(w) ||
      isIpv6(w) ||
      isUrl(w) ||
      isPath(w) ||
      isHost(w) ||
      (digits(w) && w.length >= rules.number_digits) ||
      isId(w, rules)
    );
  }

  // Rust: str::trim_matches(reduce::STRIP).
  function trimStrip(w, strip) {
    var a = 0;
    var b = w.length;
    while (a < b && strip.indexOf(w.charAt(a)) >= 0) {
      a++;
    }
    while (b > a && strip.indexOf(w.charAt(b - 1)) >= 0) {
      b--;
    }
    return w.slice(a, b);
  }

  /** The query (or a messages line) without its noise, words joined by single spaces.
   * `rules` as Index prepares them. Rust: reduce::reduce. */
  function reduce(text, rules) {
    return words(contextPairs(keyValues(text, rules.noise), rules.context_keys))
      .filter(function (w) {
        return !isNoise(trimStrip(w, rules.strip), rules);
      })
      .join(" ");
  }

  /* ---------------------------------------------------------------- 3. Ranking (§4) */

  // The multipliers, spans and limits (code_hit, code_span, max_terms, exact, prefix, typo,
  // *_chars) are `rules` from the index head: src/search/rank.rs's constants.

  /**
   * Character code -> digit value, plus 32 when the digit ends a number; -1 otherwise.
   * `more` and `end` are the alphabets of render/search.rs (MORE, END), from the head.
   */
  function digitTable(more, end) {
    var table = new Int8Array(128).fill(-1);
    for (var d = 0; d < 32; d++) {
      table[more.charCodeAt(d)] = d;
      table[end.charCodeAt(d)] = d + 32;
    }
    return table;
  }

  /** A posting string -> [doc, weight, doc, weight, ...]. Rust: render::search::encode,
   * backwards. */
  function decode(s, table) {
    var out = [];
    var n = 0;
    var doc = 0;
    var half = 0;
    for (var i = 0; i < s.length; i++) {
      var v = table[s.charCodeAt(i)];
      if (v < 0) {
        throw new Error("faultline search: bad posting digit");
      }
      if (v < 32) {
        n = n * 32 + v;
        continue;
      }
      n = n * 32 + (v - 32);
      if (half === 0) {
        doc += n;
        out.push(doc);
      } else {
        out.push(n);
      }
      half ^= 1;
      n = 0;
    }
    return Int32Array.from(out);
  }

  /** One number of a posting string or a front-coded list, read from `s` at `at[0]`, which
   * moves past it. Rust: render::search::push_number, backwards. */
  function readNumber(s, at, table) {
    var n = 0;
    for (;;) {
      var v = table[s.charCodeAt(at[0]++)];
      if (!(v >= 0)) {
        throw new Error("faultline search: bad number digit");
      }
      if (v < 32) {
        n = n * 32 + v;
      } else {
        return n * 32 + (v - 32);
      }
    }
  }

  /** A front-coded list -> its items. Rust: render::search::front_code, backwards. */
  function frontDecode(s, table) {
    var out = [];
    var previous = "";
    var at = [0];
    while (at[0] < s.length) {
      var shared = readNumber(s, at, table);
      var space = s.indexOf(" ", at[0]);
      if (space < 0 || shared > previous.length) {
        throw new Error("faultline search: bad front-coded list");
      }
      previous = previous.slice(0, shared) + s.slice(at[0], space);
      out.push(previous);
      at[0] = space + 1;
    }
    return out;
  }

  // Code point order (Rust's byte order for str) on UTF-16 strings: only surrogates and
  // U+E000..U+FFFF compare differently, so fix the first differing unit.
  function unit(c) {
    return c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800;
  }

  function compare(a, b) {
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) {
        return unit(x) - unit(y);
      }
    }
    return a.length - b.length;
  }

  /** First index in sorted `list` whose item is not below `s`. Rust: slice::partition_point. */
  function lowerBound(list, s) {
    var lo = 0;
    var hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (compare(list[mid], s) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Reused buffers for the typo scan, so that scanning every term allocates nothing.
  var ROW_A = new Int32Array(64);
  var ROW_B = new Int32Array(64);
  var CODES = new Int32Array(64);

  /** Writes the code points of `s` into `buffer` (grown when needed); returns it. */
  function codePoints(s, buffer) {
    if (buffer.length < s.length) {
      buffer = new Int32Array(s.length * 2);
    }
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
          i++;
        }
      }
      buffer[n++] = c;
    }
    buffer.count = n;
    return buffer;
  }

  /**
   * Edit distance between the first `n` code points of `a` and the first `m` of `b`, or -1
   * when above `max`: only the diagonal band |i - j| <= max is computed, which gives the
   * exact distance whenever it is within `max`. Rust: rank::levenshtein (full rows there).
   */
  function levenshtein(a, n, b, m, max) {
    if (Math.abs(n - m) > max) {
      return -1;
    }
    if (ROW_A.length <= m + 1) {
      ROW_A = new Int32Array(2 * m + 2);
      ROW_B = new Int32Array(2 * m + 2);
    }
    var far = max + 1;
    var previous = ROW_A;
    var current = ROW_B;
    for (var j = 0; j <= m; j++) {
      previous[j] = j <= max ? j : far;
    }
    for (var i = 1; i <= n; i++) {
      var lo = i - max > 1 ? i - max : 1;
      var hi = i + max < m ? i + max : m;
      current[0] = i <= max ? i : far;
      if (lo > 1) {
        current[lo - 1] = far;
      }
      var rowMin = lo === 1 ? current[0] : far;
      var ca = a[i - 1];
      for (j = lo; j <= hi; j++) {
        var v = previous[j - 1] + (ca === b[j - 1] ? 0 : 1);
        var x = previous[j] + 1;
        if (x < v) {
          v = x;
        }
        x = current[j - 1] + 1;
        if (x < v) {
          v = x;
        }
        if (v > far) {
          v = far;
        }
        current[j] = v;
        if (v < rowMin) {
          rowMin = v;
        }
      }
      if (hi < m) {
        current[hi + 1] = far;
      }
      if (rowMin > max) {
        return -1;
      }
      var swap = previous;
      previous = current;
      current = swap;
    }
    return previous[m] <= max ? previous[m] : -1;
  }

  /** The same, with `b` a string without surrogates (most terms): no copy needed. */
  function levenshteinText(a, n, b, m, max) {
    if (Math.abs(n - m) > max) {
      return -1;
    }
    if (ROW_A.length <= m + 1) {
      ROW_A = new Int32Array(2 * m + 2);
      ROW_B = new Int32Array(2 * m + 2);
    }
    var far = max + 1;
    var previous = ROW_A;
    var current = ROW_B;
    for (var j = 0; j <= m; j++) {
      previous[j] = j <= max ? j : far;
    }
    for (var i = 1; i <= n; i++) {
      var lo = i - max > 1 ? i - max : 1;
      var hi = i + max < m ? i + max : m;
      current[0] = i <= max ? i : far;
      if (lo > 1) {
        current[lo - 1] = far;
      }
      var rowMin = lo === 1 ? current[0] : far;
      var ca = a[i - 1];
      for (j = lo; j <= hi; j++) {
        var v = previous[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
        var x = previous[j] + 1;
        if (x < v) {
          v = x;
        }
        x = current[j - 1] + 1;
        if (x < v) {
          v = x;
        }
        if (v > far) {
          v = far;
        }
        current[j] = v;
        if (v < rowMin) {
          rowMin = v;
        }
      }
      if (hi < m) {
        current[hi + 1] = far;
      }
      if (rowMin > max) {
        return -1;
      }
      var swap = previous;
      previous = current;
      current = swap;
    }
    return previous[m] <= max ? previous[m] : -1;
  }

  /** Edit distance of two strings counted in code points, or -1 when above `max`. */
  function distance(a, b, max) {
    var x = Int32Array.from(Array.from(a), function (c) {
      return c.codePointAt(0);
    });
    var y = Int32Array.from(Array.from(b), function (c) {
      return c.codePointAt(0);
    });
    return levenshtein(x, x.length, y, y.length, max);
  }

  // Every key `rules` must hold: what render/search.rs's `rules` writes.
  var RULES = [
    "stop",
    "min_term_chars",
    "noise_keys",
    "context_keys",
    "strip",
    "number_digits",
    "hex_id_chars",
    "id_chars",
    "id_digits",
    "code_hit",
    "code_span",
    "max_terms",
    "exact",
    "prefix",
    "typo",
    "prefix_min_chars",
    "typo_min_chars",
    "typo_far_chars",
    "more",
    "end",
  ];

  /** The head's `rules`, checked, with the lists as sets and the digit table built. */
  function prepareRules(raw) {
    var rules = {};
    RULES.forEach(function (key) {
      if (!raw || raw[key] === undefined) {
        throw new Error("faultline search: the index has no rule " + key);
      }
      rules[key] = raw[key];
    });
    rules.stop = new Set(raw.stop);
    rules.noise = new Set(raw.noise_keys);
    rules.digit = digitTable(raw.more, raw.end);
    return rules;
  }

  /**
   * The index as the page holds it: the head now; shards, blocks of documents and the ids
   * as queries need them.
   */
  function Index(data) {
    if (!data || data.v !== 3) {
      throw new Error("faultline search: unknown index version");
    }
    this.rules = prepareRules(data.rules);
    this.stop = this.rules.stop;
    this.count = data.count;
    this.codes = data.codes;
    this.block = data.block;
    this.blocks = [];
    this.ids = null;
    var terms = (this.terms = frontDecode(data.terms, this.rules.digit));
    this.byLength = lengthBuckets(this.terms, /[\uD800-\uDFFF]/.test(data.terms));
    this.starts = data.shards;
    // A site with no terms still has shard 0, which holds everything.
    this.shardFirst = data.shards.map(function (t) {
      return t < terms.length ? terms[t] : "";
    });
    this.shards = [];
    this.postings = new Array(this.terms.length);
    this.byCode = new Map();
    for (var i = 0; i < this.codes.length; i++) {
      var key = this.codes[i];
      if (key) {
        var list = this.byCode.get(key);
        if (list) {
          list.push(i);
        } else {
          this.byCode.set(key, [i]);
        }
      }
    }
    this.expansions = new Map();
    var n = this.count;
    this.best = new Int32Array(n);
    this.points = new Int32Array(n);
    this.exact = new Int32Array(n);
    this.seen = new Uint8Array(n);
  }

  /** The term's number, or -1. */
  Index.prototype.find = function (term) {
    var i = lowerBound(this.terms, term);
    return i < this.terms.length && this.terms[i] === term ? i : -1;
  };

  /** The shard holding term number `t`. */
  Index.prototype.shardOfTerm = function (t) {
    var lo = 0;
    var hi = this.starts.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (this.starts[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return Math.max(lo - 1, 0);
  };

  /** The shard whose range holds string `s` (where phrases starting with `s` live). */
  Index.prototype.shardOfString = function (s) {
    var lo = 0;
    var hi = this.shardFirst.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (compare(this.shardFirst[mid], s) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return Math.max(lo - 1, 0);
  };

  Index.prototype.addShard = function (k, data) {
    var byFirst = new Map();
    var phrases = data.phrases;
    for (var i = 0; i < phrases.length; i++) {
      var parts = phrases[i][1].split(" ");
      var entry = { doc: phrases[i][0], parts: parts };
      var list = byFirst.get(parts[0]);
      if (list) {
        list.push(entry);
      } else {
        byFirst.set(parts[0], [entry]);
      }
    }
    this.shards[k] = { postings: data.postings, phrases: byFirst };
  };

  /** Decoded postings of term number `t` (its shard must be loaded). */
  Index.prototype.postingsOf = function (t) {
    var p = this.postings[t];
    if (!p) {
      var k = this.shardOfTerm(t);
      p = this.postings[t] = decode(this.shards[k].postings[t - this.starts[k]], this.rules.digit);
    }
    return p;
  };

  /** Document `i` as [id, title, summary, code key, first fix step] (its block must be
   * loaded). */
  Index.prototype.doc = function (i) {
    return this.blocks[Math.floor(i / this.block)][i % this.block];
  };

  /** The blocks that documents of `hits` ([doc, ...] each) live in and are not loaded. */
  Index.prototype.missingBlocks = function (hits) {
    var out = [];
    for (var i = 0; i < hits.length; i++) {
      var n = Math.floor(hits[i][0] / this.block);
      if (!this.blocks[n] && out.indexOf(n) < 0) {
        out.push(n);
      }
    }
    return out;
  };

  /**
   * The term numbers by length in code points (the typo scan looks only at lengths within
   * its distance), computed once as the index arrives. `surrogates`: whether any term has
   * a character outside the BMP, whose length then needs counting.
   */
  function lengthBuckets(terms, surrogates) {
    var lengths = new Int32Array(terms.length);
    var sizes = [];
    for (var t = 0; t < terms.length; t++) {
      var n = surrogates ? charCount(terms[t]) : terms[t].length;
      lengths[t] = n;
      sizes[n] = (sizes[n] || 0) + 1;
    }
    var buckets = [];
    for (var len = 0; len < sizes.length; len++) {
      buckets[len] = new Int32Array(sizes[len] || 0);
      sizes[len] = 0;
    }
    for (t = 0; t < terms.length; t++) {
      buckets[lengths[t]][sizes[lengths[t]]++] = t;
    }
    return buckets;
  }

  /**
   * Whether `other` may be within `max` (1 or 2) edits of `term`, both without surrogates,
   * `term` longer than `max`: a cheap test that lets the typo scan skip most terms
   * before computing a distance, and never skips one within reach.
   *
   * One edit leaves the first or the last character in place. Two edits, with `term` cut
   * into a head, a middle and a tail: when neither edit touches the head, `other` starts
   * with it; neither touches the tail, it ends with it; one edit in each, the middle is
   * intact and starts one character before, at, or after where it started. (SEARCH.md §7.)
   */
  function mayBeNear(cut, other) {
    if (cut.max === 1) {
      return other.charCodeAt(0) === cut.first || other.charCodeAt(other.length - 1) === cut.last;
    }
    return (
      other.startsWith(cut.head) ||
      other.endsWith(cut.tail) ||
      other.startsWith(cut.middle, cut.at - 1) ||
      other.startsWith(cut.middle, cut.at) ||
      other.startsWith(cut.middle, cut.at + 1)
    );
  }

  /** The pieces `mayBeNear` compares for `term` at distance `max`. */
  function cutOf(term, max) {
    var third = Math.floor(term.length / 3);
    return {
      max: max,
      first: term.charCodeAt(0),
      last: term.charCodeAt(term.length - 1),
      head: term.slice(0, third),
      middle: term.slice(third, term.length - third),
      tail: term.slice(term.length - third),
      at: third,
    };
  }

  /** The terms within `max` edits of `term` (`length` code points), in term order, each
   * with its multiplier. Rust: the typo half of Index::expand. */
  Index.prototype.nearTerms = function (term, length, max) {
    var out = [];
    var chars = Int32Array.from(Array.from(term), function (c) {
      return c.codePointAt(0);
    });
    // A one-character term loses both its first and last character to one edit.
    var cut = term.length === length && length > max ? cutOf(term, max) : null;
    var terms = this.terms;
    for (var len = Math.max(0, length - max); len <= length + max && len < this.byLength.length; len++) {
      var bucket = this.byLength[len];
      for (var b = 0; b < bucket.length; b++) {
        var other = terms[bucket[b]];
        var dist;
        if (other.length === len) {
          if (cut && !mayBeNear(cut, other)) {
            continue;
          }
          dist = levenshteinText(chars, length, other, len, max);
        } else {
          CODES = codePoints(other, CODES);
          dist = levenshtein(chars, length, CODES, CODES.count, max);
        }
        if (dist >= 0) {
          out.push([bucket[b], this.rules.typo[dist === 1 ? 0 : 1]]);
        }
      }
    }
    return out.sort(function (x, y) {
      return x[0] - y[0];
    });
  };

  /**
   * The terms a query term stands for, each with its multiplier: itself (exact), the terms
   * it begins while being typed (prefix), near spellings when it is not a term (typo).
   * Rust: Index::expand.
   */
  Index.prototype.expand = function (term, typing) {
    var rules = this.rules;
    // A reader typing a long line re-plans the same words at every key: keep them.
    var key = (typing ? "+" : "-") + term;
    var cached = this.expansions.get(key);
    if (cached) {
      return cached;
    }
    if (this.expansions.size > 2000) {
      this.expansions.clear();
    }
    var out = [];
    this.expansions.set(key, out);
    var known = this.find(term);
    if (known >= 0) {
      out.push([known, rules.exact]);
    }
    var length = charCount(term);
    if (typing && length >= rules.prefix_min_chars) {
      for (var i = lowerBound(this.terms, term); i < this.terms.length && this.terms[i].startsWith(term); i++) {
        if (i !== known) {
          out.push([i, rules.prefix]);
        }
      }
    }
    if (known < 0 && length >= rules.typo_min_chars && ALPHA.test(term)) {
      out.push.apply(out, this.nearTerms(term, length, length >= rules.typo_far_chars ? 2 : 1));
    }
    return out;
  };

  /**
   * Everything a query needs before it can be ranked: its parts, its scoring terms with
   * their expansions, and the shards those live in. Rust: the first half of Index::search.
   */
  Index.prototype.plan = function (query) {
    var w = split(reduce(query, this.rules));
    var typing = query !== "" && isAlnum(lastChar(query));
    var tailStart = w.terms.length - (typing ? w.tail : 0);
    var needs = new Set();
    var seen = new Set();
    var scoring = [];
    for (var i = 0; i < w.terms.length && scoring.length < this.rules.max_terms; i++) {
      var term = w.terms[i];
      if (!scores(term, this.rules) || seen.has(term)) {
        continue;
      }
      seen.add(term);
      var expansions = this.expand(term, i >= tailStart);
      for (var e = 0; e < expansions.length; e++) {
        needs.add(this.shardOfTerm(expansions[e][0]));
      }
      scoring.push({ term: term, typing: i >= tailStart, expansions: expansions });
    }
    for (var p = 0; p < w.parts.length; p++) {
      needs.add(this.shardOfString(w.parts[p]));
    }
    return { query: query, parts: w.parts, terms: w.terms, scoring: scoring, needs: Array.from(needs).sort(numeric) };
  };

  function numeric(a, b) {
    return a - b;
  }

  /** The shards a plan needs that are not loaded yet. */
  Index.prototype.missing = function (plan) {
    var self = this;
    return plan.needs.filter(function (k) {
      return !self.shards[k];
    });
  };

  /**
   * Ranks a plan whose shards are all loaded: { hits: the `limit` best (all when
   * undefined) as [doc, exact, points], best first; total: how many documents scored }.
   * Rust: the second half of Index::search.
   */
  Index.prototype.rank = function (plan, limit) {
    var codeSpan = this.rules.code_span;
    var codeHit = this.rules.code_hit;
    var exact = this.exact;
    var points = this.points;
    var best = this.best;
    var seen = this.seen;
    var hit = [];
    var parts = plan.parts;
    var coded = new Set();
    var matched = new Set();
    function touch(doc) {
      if (!seen[doc]) {
        seen[doc] = 1;
        hit.push(doc);
      }
    }
    for (var i = 0; i < parts.length; i++) {
      var key = "";
      for (var j = i; j < parts.length && j < i + codeSpan; j++) {
        key += parts[j];
        var docs = this.byCode.get(key);
        if (docs) {
          for (var c = 0; c < docs.length; c++) {
            if (!coded.has(docs[c])) {
              coded.add(docs[c]);
              exact[docs[c]] += codeHit;
              touch(docs[c]);
            }
          }
        }
      }
      var shard = this.shards[this.shardOfString(parts[i])];
      var phrases = shard.phrases.get(parts[i]);
      if (phrases) {
        for (var p = 0; p < phrases.length; p++) {
          var phrase = phrases[p];
          var len = phrase.parts.length;
          if (matched.has(phrase) || i + len > parts.length) {
            continue;
          }
          var fits = true;
          for (var q = 1; q < len && fits; q++) {
            fits = parts[i + q] === phrase.parts[q];
          }
          if (fits) {
            matched.add(phrase);
            exact[phrase.doc] += len;
            touch(phrase.doc);
          }
        }
      }
    }
    for (var s = 0; s < plan.scoring.length; s++) {
      var expansions = plan.scoring[s].expansions;
      if (expansions.length === 1) {
        // One term (the usual case): its weights are the best, added straight in.
        var only = this.postingsOf(expansions[0][0]);
        var times = expansions[0][1];
        for (var o = 0; o < only.length; o += 2) {
          var d = only[o];
          if (!seen[d]) {
            seen[d] = 1;
            hit.push(d);
          }
          points[d] += only[o + 1] * times;
        }
        continue;
      }
      var bestDocs = [];
      for (var e = 0; e < expansions.length; e++) {
        var postings = this.postingsOf(expansions[e][0]);
        var factor = expansions[e][1];
        for (var k = 0; k < postings.length; k += 2) {
          var doc = postings[k];
          var score = postings[k + 1] * factor;
          if (best[doc] === 0) {
            bestDocs.push(doc);
          }
          if (score > best[doc]) {
            best[doc] = score;
          }
        }
      }
      for (var b = 0; b < bestDocs.length; b++) {
        points[bestDocs[b]] += best[bestDocs[b]];
        best[bestDocs[b]] = 0;
        touch(bestDocs[b]);
      }
    }
    var total = hit.length;
    var top = best_(hit, exact, points, limit === undefined ? total : limit);
    var hits = top.map(function (doc) {
      return [doc, exact[doc], points[doc]];
    });
    for (var z = 0; z < hit.length; z++) {
      exact[hit[z]] = 0;
      points[hit[z]] = 0;
      seen[hit[z]] = 0;
    }
    return { hits: hits, total: total };
  };

  /**
   * The `limit` best of `docs` in ranking order (exact, then points, highest first, then
   * document number), without sorting them all: a heap holds the best so far, worst on top.
   * Rust: the sort at the end of Index::search.
   */
  function best_(docs, exact, points, limit) {
    function before(x, y) {
      return exact[x] !== exact[y] ? exact[x] > exact[y] : points[x] !== points[y] ? points[x] > points[y] : x < y;
    }
    if (limit >= docs.length) {
      return docs.slice().sort(function (x, y) {
        return before(x, y) ? -1 : 1;
      });
    }
    var heap = [];
    function down(i) {
      for (;;) {
        var l = 2 * i + 1;
        var r = l + 1;
        var worst = i;
        if (l < heap.length && before(heap[worst], heap[l])) {
          worst = l;
        }
        if (r < heap.length && before(heap[worst], heap[r])) {
          worst = r;
        }
        if (worst === i) {
          return;
        }
        var t = heap[i];
        heap[i] = heap[worst];
        heap[worst] = t;
        i = worst;
      }
    }
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i];
      if (heap.length < limit) {
        heap.push(doc);
        for (var c = heap.length - 1; c > 0; ) {
          var parent = (c - 1) >> 1;
          if (!before(heap[parent], heap[c])) {
            break;
          }
          var t = heap[c];
          heap[c] = heap[parent];
          heap[parent] = t;
          c = parent;
        }
      } else if (limit > 0 && before(doc, heap[0])) {
        heap[0] = doc;
        down(0);
      }
    }
    return heap.sort(function (x, y) {
      return before(x, y) ? -1 : 1;
    });
  }

  /** What to mark in a result: whole words, and prefixes of the word being typed. */
  Index.prototype.marks = function (plan) {
    var full = new Set();
    var prefixes = [];
    var self = this;
    plan.terms.forEach(function (t) {
      if (!self.stop.has(t) && (charCount(t) >= 2 || /[0-9]/.test(t))) {
        full.add(t);
      }
    });
    plan.scoring.forEach(function (s) {
      s.expansions.forEach(function (e) {
        if (e[1] < 3) {
          full.add(self.terms[e[0]]);
        }
      });
      if (s.typing && charCount(s.term) >= 2) {
        prefixes.push(s.term);
      }
    });
    prefixes.sort(function (a, b) {
      return b.length - a.length;
    });
    return { full: full, prefixes: prefixes };
  };

  /**
   * How many documents hold term number `t`, once its shard is loaded: the search page
   * marks only the rare terms of a pasted line.
   */
  Index.prototype.docFrequency = function (t) {
    return this.postingsOf(t).length / 2;
  };

  var engine = {
    split: split,
    reduce: reduce,
    codeKey: codeKey,
    scores: scores,
    decode: decode,
    distance: distance,
    compare: compare,
    frontDecode: frontDecode,
    prepareRules: prepareRules,
    Index: Index,
  };

  /* ------------------------------------------------------------------- 4. Loader */

  var now =
    window.performance && window.performance.now
      ? function () {
          return window.performance.now();
        }
      : Date.now;

  var state = {
    index: null,
    indexState: "idle", // idle, loading, ready, failed
    shardState: [], // undefined, "loading", "ready", "failed"
    blockState: [], // the same, for search/docs-<n>.js
    idsState: undefined, // the same, for search/ids.js
    root: "",
    style: "folder",
    listeners: [],
  };

  function notify() {
    state.listeners.slice().forEach(function (f) {
      f();
    });
  }

  function appendScript(src, onerror) {
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onerror = onerror;
    document.head.appendChild(s);
  }

  function loadIndex() {
    if (state.indexState !== "idle") {
      return;
    }
    state.indexState = "loading";
    appendScript(state.root + "search/index.js", function () {
      state.indexState = "failed";
      notify();
    });
  }

  /** Loads search/<name>-<k>.js for each k of `list` not asked for yet, recording its state
   * in `states`. */
  function loadParts(name, states, list) {
    list.forEach(function (k) {
      if (!states[k]) {
        states[k] = "loading";
        appendScript(state.root + "search/" + name + "-" + k + ".js", function () {
          states[k] = "failed";
          notify();
        });
      }
    });
  }

  function loadIds() {
    if (!state.idsState) {
      state.idsState = "loading";
      appendScript(state.root + "search/ids.js", function () {
        state.idsState = "failed";
        notify();
      });
    }
  }

  var api = {
    engine: engine,
    /** Called by search/index.js. */
    index: function (data) {
      try {
        var t0 = now();
        state.index = new Index(data);
        state.indexState = "ready";
        if (typeof document !== "undefined" && typeof CustomEvent === "function") {
          document.dispatchEvent(
            new CustomEvent("faultline:index", { detail: { ms: now() - t0, docs: data.count, terms: state.index.terms.length } }),
          );
        }
      } catch (e) {
        state.indexState = "failed";
        if (window.console) {
          window.console.warn(e);
        }
      }
      notify();
    },
    /** Called by search/shard-<k>.js. */
    shard: function (k, data) {
      if (state.index && !state.index.shards[k]) {
        state.index.addShard(k, data);
      }
      state.shardState[k] = "ready";
      notify();
    },
    /** Called by search/docs-<n>.js. */
    docs: function (n, list) {
      if (state.index) {
        state.index.blocks[n] = list;
      }
      state.blockState[n] = "ready";
      notify();
    },
    /** Called by search/ids.js. */
    ids: function (text) {
      try {
        if (state.index) {
          state.index.ids = frontDecode(text, state.index.rules.digit);
        }
        state.idsState = "ready";
      } catch (e) {
        state.idsState = "failed";
      }
      notify();
    },
    /**
     * Runs `query` once the index, its shards and the blocks of its `limit` best documents
     * are loaded, calling `done(result)` with { query, hits: the `limit` best as [doc,
     * exact, points], total, plan, index, work } or { query, error }. `options.ids(result)`,
     * asked once the query is ranked, says whether to load every id first (for the
     * proposal of a new entry).
     */
    search: function (query, limit, done, options) {
      var wantIds = false;
      var planned = null;
      var ranked = null;
      var work = 0;
      var waited = false;
      function attempt() {
        if (state.indexState === "failed") {
          finish({ query: query, error: "index" });
          return;
        }
        if (state.indexState !== "ready") {
          waited = true;
          loadIndex();
          return;
        }
        var index = state.index;
        var t0 = now();
        if (!planned) {
          planned = index.plan(query);
        }
        var missing = index.missing(planned);
        work += now() - t0;
        if (missing.length) {
          for (var i = 0; i < missing.length; i++) {
            if (state.shardState[missing[i]] === "failed") {
              finish({ query: query, error: "shard" });
              return;
            }
          }
          waited = true;
          loadParts("shard", state.shardState, missing);
          return;
        }
        if (!ranked) {
          var t1 = now();
          ranked = index.rank(planned, limit);
          ranked.query = query;
          ranked.plan = planned;
          ranked.index = index;
          wantIds = Boolean(options && options.ids && options.ids(ranked));
          work += now() - t1;
        }
        var blocks = index.missingBlocks(ranked.hits);
        if (blocks.length || (wantIds && !index.ids)) {
          var failed = blocks.some(function (n) {
            return state.blockState[n] === "failed";
          });
          if (failed || (wantIds && state.idsState === "failed")) {
            finish({ query: query, error: "docs" });
            return;
          }
          waited = true;
          loadParts("docs", state.blockState, blocks);
          if (wantIds) {
            loadIds();
          }
          return;
        }
        ranked.work = work;
        ranked.waited = waited;
        finish(ranked);
      }
      var finished = false;
      function finish(result) {
        if (!finished) {
          finished = true;
          remove();
          done(result);
        }
      }
      function remove() {
        var at = state.listeners.indexOf(attempt);
        if (at >= 0) {
          state.listeners.splice(at, 1);
        }
      }
      state.listeners.push(attempt);
      attempt();
      return { cancel: remove };
    },
    /** Starts loading the index ahead of the first query. */
    preload: function () {
      loadIndex();
    },
    /** The URL of entry `id` from this page. */
    url: function (id) {
      return state.root + id + (state.style === "file" ? "/index.html" : "/");
    },
    /** DOM helpers that insert text only, shared with reader.js. */
    dom: { el: el, clear: clear },
  };
  window.faultlineSearch = api;

  if (typeof document === "undefined") {
    return;
  }

  /* ------------------------------------------------------------------ 5. Interface */

  var script = document.currentScript || document.querySelector("script[data-root]");
  if (script) {
    state.root = script.getAttribute("data-root") || "";
    state.style = script.getAttribute("data-style") === "file" ? "file" : "folder";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        node.setAttribute(k, attrs[k]);
      });
    }
    if (text !== undefined) {
      node.appendChild(document.createTextNode(text));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  /** Appends `text` to `node`, wrapping the words a query matched in <mark>. */
  function highlight(node, text, marks) {
    var plain = "";
    function flush() {
      if (plain) {
        node.appendChild(document.createTextNode(plain));
        plain = "";
      }
    }
    function mark(s) {
      flush();
      node.appendChild(el("mark", null, s));
    }
    // Marks a run of letters and digits: whole, by camel-case piece, or by the prefix
    // being typed.
    function run(chunk) {
      var lower = chunk.toLowerCase();
      if (marks.full.has(lower)) {
        mark(chunk);
        return;
      }
      var pieces = camelPieces(chunk);
      var typed = typedPrefix(chunk);
      if (pieces.length > 1 && typed.length <= pieces[0].length) {
        pieces.forEach(function (piece) {
          if (marks.full.has(piece.toLowerCase())) {
            mark(piece);
          } else {
            prefix(piece);
          }
        });
        return;
      }
      prefix(chunk);
    }
    // The longest prefix being typed that starts `chunk`, or "".
    function typedPrefix(chunk) {
      var lower = chunk.toLowerCase();
      if (lower.length === chunk.length) {
        for (var i = 0; i < marks.prefixes.length; i++) {
          if (lower.startsWith(marks.prefixes[i])) {
            return marks.prefixes[i];
          }
        }
      }
      return "";
    }
    function prefix(chunk) {
      var typed = typedPrefix(chunk);
      if (typed) {
        mark(chunk.slice(0, typed.length));
      }
      plain += chunk.slice(typed.length);
    }
    var chunk = "";
    for (var c of text) {
      if (isAlnum(c)) {
        chunk += c;
      } else {
        if (chunk) {
          run(chunk);
          chunk = "";
        }
        plain += c;
      }
    }
    if (chunk) {
      run(chunk);
    }
    flush();
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function resultsEvent(target, detail) {
    var event;
    try {
      event = new CustomEvent("faultline:results", { bubbles: true, detail: detail });
    } catch (e) {
      return;
    }
    target.dispatchEvent(event);
  }

  var uid = 0;

  /**
   * Runs queries for one input: the latest query wins; results arrive through `show`.
   * `show(result, query)` gets null while the index is loading. `options` go to
   * `faultlineSearch.search`.
   */
  function Runner(input, limit, show, options) {
    this.input = input;
    this.limit = limit;
    this.show = show;
    this.options = options;
    this.pending = null;
    this.query = null;
  }

  Runner.prototype.run = function (query) {
    var self = this;
    var started = now();
    if (this.pending) {
      this.pending.cancel();
      this.pending = null;
    }
    this.query = query;
    if (query.trim() === "") {
      this.show(null, query, { empty: true });
      return;
    }
    var delivered = false;
    var handle = api.search(query, this.limit, function (result) {
      delivered = true;
      if (self.query !== query) {
        return;
      }
      self.pending = null;
      var t0 = now();
      self.show(result, query, {});
      var rendered = now() - t0;
      resultsEvent(self.input, {
        query: query,
        count: result.hits ? result.total : 0,
        ids: result.hits
          ? result.hits.slice(0, self.limit).map(function (h) {
              return result.index.doc(h[0])[0];
            })
          : [],
        error: result.error || null,
        // The work of this query (plan, rank, render), without waiting for scripts; and
        // the time since the keystroke, waiting included.
        ms: (result.work || 0) + rendered,
        total: now() - started,
        waited: result.waited || false,
      });
    }, this.options);
    if (!delivered) {
      this.pending = handle;
      // Before the index arrives there is nothing to show; while a shard loads, the
      // previous results stay.
      this.show(null, query, { loading: state.indexState !== "ready" });
    }
  };

  /** Builds one result's content: title, id, summary, with the matched words marked. */
  function fillHit(node, doc, marks) {
    var title = el("span", { class: "hit-title" });
    highlight(title, doc[1], marks);
    node.appendChild(title);
    node.appendChild(el("span", { class: "hit-id" }, doc[0]));
    if (doc[2]) {
      var summary = el("span", { class: "hit-summary" });
      highlight(summary, doc[2], marks);
      node.appendChild(summary);
    }
  }

  /* The header box: the ARIA 1.2 combobox with a listbox popup. */
  function Combobox(form, input) {
    var self = this;
    var n = ++uid;
    this.form = form;
    this.input = input;
    this.active = -1;
    this.options = [];
    this.listbox = el("div", {
      id: "search-listbox-" + n,
      role: "listbox",
      class: "search-popup",
      "aria-label": "Search results",
    });
    this.listbox.hidden = true;
    this.empty = el("div", { class: "search-empty", id: "search-empty-" + n });
    this.empty.hidden = true;
    this.status = el("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);
    input.setAttribute("autocomplete", "off");
    form.appendChild(this.listbox);
    form.appendChild(this.empty);
    form.appendChild(this.status);
    this.runner = new Runner(input, 8, function (result, query, how) {
      self.render(result, query, how);
    });
    input.addEventListener("focus", function () {
      api.preload();
      if (input.value.trim() !== "" && self.runner.query !== input.value) {
        self.runner.run(input.value);
      } else if (self.options.length) {
        self.open(true);
      }
    });
    input.addEventListener("input", function () {
      self.runner.run(input.value);
    });
    input.addEventListener("keydown", function (e) {
      self.key(e);
    });
    // A click into the box shows the results again after Escape closed them.
    input.addEventListener("click", function () {
      if (input.getAttribute("aria-expanded") !== "true" && self.options.length) {
        self.open(true);
      }
    });
    // Coming back to the page from the history: the list shows what the box holds, closed.
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) {
        self.open(false);
        self.empty.hidden = true;
      }
    });
    // Keep the focus in the box while an option is clicked; the link does the rest.
    this.listbox.addEventListener("mousedown", function (e) {
      e.preventDefault();
    });
    this.listbox.addEventListener("mousemove", function (e) {
      var option = e.target.closest ? e.target.closest("[role=option]") : null;
      var at = self.options.indexOf(option);
      if (at >= 0 && at !== self.active) {
        self.setActive(at, false);
      }
    });
    form.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !form.contains(e.relatedTarget)) {
        self.open(false);
        self.empty.hidden = true;
      }
    });
  }

  Combobox.prototype.open = function (yes) {
    var show = yes && this.options.length > 0;
    this.listbox.hidden = !show;
    this.input.setAttribute("aria-expanded", show ? "true" : "false");
    if (!show) {
      this.setActive(-1, false);
    }
  };

  Combobox.prototype.setActive = function (i, scroll) {
    if (this.active >= 0 && this.options[this.active]) {
      this.options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = i;
    if (i >= 0 && this.options[i]) {
      var option = this.options[i];
      option.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", option.id);
      if (scroll && option.scrollIntoView) {
        option.scrollIntoView({ block: "nearest" });
      }
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.searchUrl = function (query) {
    var action = this.form.getAttribute("action") || "";
    return action + "?q=" + encodeURIComponent(query);
  };

  Combobox.prototype.render = function (result, query, how) {
    var self = this;
    if (!result && !how.loading && !how.empty) {
      // A shard is loading: the previous results stay until the new ones are ready.
      this.listbox.setAttribute("aria-busy", "true");
      return;
    }
    clear(this.listbox);
    this.listbox.removeAttribute("aria-busy");
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.empty.hidden = true;
    clear(this.empty);
    if (how.empty) {
      this.open(false);
      this.status.textContent = "";
      return;
    }
    if (how.loading) {
      this.open(false);
      this.empty.appendChild(el("p", null, "Loading the search index…"));
      this.empty.hidden = false;
      return;
    }
    if (result.error) {
      this.open(false);
      this.empty.appendChild(el("p", null, "Search is unavailable: its index could not be loaded."));
      this.empty.hidden = false;
      this.status.textContent = "Search is unavailable.";
      return;
    }
    var hits = result.hits;
    if (hits.length === 0) {
      this.open(false);
      this.renderEmpty(query);
      this.status.textContent = "No results.";
      return;
    }
    var marks = result.index.marks(result.plan);
    var prefix = this.listbox.id + "-";
    hits.slice(0, 8).forEach(function (h, i) {
      var doc = result.index.doc(h[0]);
      var option = el("a", {
        id: prefix + i,
        role: "option",
        class: "search-hit",
        href: api.url(doc[0]),
        "data-id": doc[0],
        "aria-selected": "false",
        tabindex: "-1",
      });
      fillHit(option, doc, marks);
      self.listbox.appendChild(option);
      self.options.push(option);
    });
    var more = el(
      "a",
      {
        id: prefix + "all",
        role: "option",
        class: "search-more",
        href: this.searchUrl(query),
        "aria-selected": "false",
        tabindex: "-1",
      },
      result.total > 8 ? "All " + result.total + " results" : "Open the search page",
    );
    this.listbox.appendChild(more);
    this.options.push(more);
    this.status.textContent = plural(result.total, "result", "results") + (result.total > 8 ? ", 8 shown." : ".");
    this.open(document.activeElement === this.input);
  };

  /** No result: say so, and offer the pages to browse. */
  Combobox.prototype.renderEmpty = function (query) {
    var box = this.empty;
    var p = el("p", null, "No entry matches “" + query.trim() + "”. Check the spelling or use fewer words, or browse:");
    box.appendChild(p);
    var list = el("ul");
    var nav = document.querySelectorAll(".site-header nav a");
    for (var i = 0; i < nav.length; i++) {
      var li = el("li");
      li.appendChild(el("a", { href: nav[i].getAttribute("href") }, nav[i].textContent));
      list.appendChild(li);
    }
    var all = el("li");
    all.appendChild(el("a", { href: this.form.getAttribute("action") || "" }, "Every hub page, HTTP classes included"));
    list.appendChild(all);
    box.appendChild(list);
    box.hidden = false;
  };

  Combobox.prototype.key = function (e) {
    if (e.isComposing || e.altKey || e.ctrlKey || e.metaKey) {
      return;
    }
    var n = this.options.length;
    var expanded = this.input.getAttribute("aria-expanded") === "true";
    switch (e.key) {
      case "ArrowDown":
        if (!n) {
          return;
        }
        e.preventDefault();
        if (!expanded) {
          this.open(true);
        }
        this.setActive(this.active + 1 >= n ? 0 : this.active + 1, true);
        break;
      case "ArrowUp":
        if (!n) {
          return;
        }
        e.preventDefault();
        if (!expanded) {
          this.open(true);
        }
        this.setActive(this.active <= 0 ? n - 1 : this.active - 1, true);
        break;
      case "Enter":
        if (expanded && this.active >= 0) {
          e.preventDefault();
          window.location.href = this.options[this.active].href;
        }
        // Otherwise the form goes to the search page.
        break;
      case "Escape":
        if (expanded || !this.empty.hidden) {
          e.preventDefault();
          this.open(false);
          this.empty.hidden = true;
        } else if (this.input.value !== "") {
          e.preventDefault();
          this.input.value = "";
          this.runner.run("");
        }
        break;
      default:
        break;
    }
  };

  /* The search page: up to 50 results as a list of links; the URL follows the query. */
  var PAGE_LIMIT = 50;

  function SearchPage(form, input, results, status) {
    var self = this;
    this.input = input;
    this.results = results;
    this.status = status;
    this.propose = document.getElementById("search-page-propose");
    // With reader.js, the page proposes a new entry when nothing matches well, which needs
    // every id.
    this.runner = new Runner(
      input,
      PAGE_LIMIT,
      function (result, query, how) {
        self.render(result, query, how);
      },
      {
        ids: function (result) {
          return Boolean(window.faultlineReader) && !window.faultlineReader.goodMatch(result);
        },
      },
    );
    input.addEventListener("input", function () {
      self.update(input.value);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      self.update(input.value);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !e.altKey) {
        var first = results.querySelector("a");
        if (first) {
          e.preventDefault();
          first.focus();
        }
      } else if (e.key === "Escape" && input.value !== "") {
        e.preventDefault();
        input.value = "";
        self.update("");
      } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing && input.tagName === "TEXTAREA") {
        // The box holds several lines for a pasted log; Enter still searches.
        e.preventDefault();
        self.update(input.value);
      }
    });
    results.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") {
        return;
      }
      var links = Array.prototype.slice.call(results.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (at < 0) {
        return;
      }
      e.preventDefault();
      if (e.key === "ArrowDown" && at + 1 < links.length) {
        links[at + 1].focus();
      } else if (e.key === "ArrowUp") {
        (at > 0 ? links[at - 1] : input).focus();
      }
    });
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    api.preload();
    this.runner.run(q);
  }

  SearchPage.prototype.update = function (query) {
    try {
      var url = window.location.pathname + (query ? "?q=" + encodeURIComponent(query) : "") + window.location.hash;
      window.history.replaceState(null, "", url);
    } catch (e) {
      // Some file:// setups refuse; the results still show.
    }
    this.runner.run(query);
  };

  SearchPage.prototype.render = function (result, query, how) {
    var self = this;
    if (!result && !how.loading && !how.empty) {
      this.results.setAttribute("aria-busy", "true");
      return;
    }
    this.results.removeAttribute("aria-busy");
    var hubs = document.getElementById("search-hubs");
    clear(this.results);
    if (this.propose) {
      clear(this.propose);
      this.propose.hidden = true;
    }
    if (hubs) {
      hubs.classList.remove("search-suggest");
    }
    if (how.empty) {
      this.status.textContent = "Type an error code, a message, or paste a log line.";
      return;
    }
    if (how.loading) {
      this.status.textContent = "Loading the search index…";
      return;
    }
    if (result.error) {
      this.status.textContent = "Search is unavailable: its index could not be loaded. Browse the pages below.";
      return;
    }
    var hits = result.hits;
    if (hits.length === 0) {
      this.status.textContent =
        "No entry matches “" + query.trim() + "”. Check the spelling or use fewer words, or browse the pages below.";
      if (hubs) {
        hubs.classList.add("search-suggest");
      }
      if (window.faultlineReader) {
        window.faultlineReader.offer(this.propose, query, result.index);
      }
      return;
    }
    var reader = window.faultlineReader;
    var index = result.index;
    var marks = reader ? reader.rareMarks(result) : index.marks(result.plan);
    var good = reader ? reader.goodMatch(result) : true;
    var strong = reader ? reader.strongCount(result) : hits.length;
    hits.slice(0, PAGE_LIMIT).forEach(function (h, i) {
      self.results.appendChild(resultItem(index.doc(h[0]), marks, i === 0 && good, i >= strong));
    });
    this.status.textContent = statusLine(result, query, good, strong, Math.min(hits.length, PAGE_LIMIT));
    if (!good && reader) {
      reader.offer(this.propose, query, index);
    }
  };

  /**
   * One result of the search page; the best match, when it answers the query, comes with
   * the first step of its fastest fix. `weak`: it shares only some words of the query.
   */
  function resultItem(doc, marks, best, weak) {
    var li = el("li", { class: best ? "search-result search-best" : weak ? "search-result weak" : "search-result" });
    if (best) {
      li.appendChild(el("span", { class: "best-label" }, "Best match"));
    }
    var a = el("a", { href: api.url(doc[0]), "data-id": doc[0], class: "search-hit" });
    fillHit(a, doc, marks);
    li.appendChild(a);
    if (best && doc[4]) {
      var fix = el("p", { class: "best-fix" });
      fix.appendChild(el("strong", null, "Fastest fix, step 1:"));
      fix.appendChild(document.createTextNode(doc[4]));
      li.appendChild(fix);
    }
    return li;
  }

  /** The search page's count: the entries that match well, then those sharing a word. */
  function statusLine(result, query, good, strong, shown) {
    var cut = result.total > shown ? ", the best " + shown + " shown." : ".";
    if (!good) {
      var share = plural(result.total, "entry shares", "entries share");
      return "No entry matches “" + quoted(query) + "” well; " + share + " some of its words" + cut;
    }
    var q = " for “" + quoted(query) + "”";
    if (strong === shown) {
      return plural(result.total, "result", "results") + q + cut;
    }
    // A pasted line shares a common word or two with many entries: count the entries that
    // match it well, and say how many more share only some words.
    var more = result.total - strong;
    return plural(strong, "result", "results") + q + "; " + more + " more share only some of its words" + cut;
  }

  /** A query as the status line quotes it: a pasted log line is cut short, the box shows it. */
  function quoted(query) {
    var q = query.trim().replace(/\s+/g, " ");
    return q.length > 80 ? q.slice(0, 72) + "…" : q;
  }

  function isTyping(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function start() {
    var boxes = [];
    var page = document.getElementById("search-page-q");
    if (page) {
      var form = page.form;
      var results = document.getElementById("search-page-results");
      var status = document.getElementById("search-page-status");
      if (form && results && status) {
        new SearchPage(form, page, results, status);
        boxes.push(page);
      }
    }
    var forms = document.querySelectorAll("form.site-search");
    for (var i = 0; i < forms.length; i++) {
      var input = forms[i].querySelector("input[type=search]");
      if (input) {
        new Combobox(forms[i], input);
        boxes.push(input);
      }
    }
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) {
        return;
      }
      var box = boxes[0];
      if (box) {
        e.preventDefault();
        box.focus();
        box.select();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(window);
