// Loads the page's search (themes/default/static/search.js) into a Node VM the way a page
// does, without a browser: search.js first, then the built site's search/index.js and every
// search/shard-<k>.js, search/docs-<n>.js and search/ids.js, each of which calls
// `faultlineSearch.index(...)`, `.shard(...)`, `.docs(...)` or `.ids(...)` as it would in a
// <script> element. Queries then go through
// `faultlineSearch.search`, the entry point of the search box.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const here = path.dirname(new URL(import.meta.url).pathname);
export const SEARCH_JS = path.resolve(here, "../../themes/default/static/search.js");

/** Returns { query(q, n) -> ids, hits(q), engine, index } for the built site in `outDir`. */
export function loadEngine(outDir) {
  const warnings = [];
  const context = { console: { ...console, warn: (...a) => warnings.push(a.join(" ")) } };
  context.window = context;
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(SEARCH_JS, "utf8"), context, { filename: "search.js" });
  const api = context.faultlineSearch;
  const dir = path.join(outDir, "search");
  const run = (file) => vm.runInContext(fs.readFileSync(path.join(dir, file), "utf8"), context, { filename: file });
  run("index.js");
  fs.readdirSync(dir)
    .filter((f) => /^(shard|docs)-\d+\.js$/.test(f) || f === "ids.js")
    .forEach(run);

  /** The page's answer to `q`: its `limit` best (all when undefined). */
  function search(q, limit) {
    let result = null;
    api.search(q, limit, (r) => {
      result = r;
    });
    // With the index and every shard loaded, the search box's path answers at once.
    if (!result || result.error) {
      throw new Error(`search.js did not answer ${JSON.stringify(q)}: ${result ? result.error : "no result"} ${warnings}`);
    }
    return result;
  }
  const index = search("", 0).index;
  return {
    engine: api.engine,
    index,
    /** All hits of `q`, best first, as [doc, exact, points]. */
    hits(q) {
      return search(q).hits;
    },
    /** The ids of the `n` best hits of `q`. */
    query(q, n = 3) {
      return search(q, n).hits.map((h) => index.doc(h[0])[0]);
    },
  };
}
