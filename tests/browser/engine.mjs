// Loads the page's search engine (themes/default/static/search.js) into a Node VM with a
// built site's search/index.js and every shard, so ranking can be compared with
// `faultline search` without a browser.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const here = path.dirname(new URL(import.meta.url).pathname);
export const SEARCH_JS = path.resolve(here, "../../themes/default/static/search.js");

/** Returns { query(q, n) -> ids, engine, index } for the built site in `outDir`. */
export function loadEngine(outDir) {
  const context = { console };
  context.window = context;
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(SEARCH_JS, "utf8"), context, { filename: "search.js" });
  const api = context.faultlineSearch;
  let data = null;
  context.faultlineSearch = {
    index: (d) => {
      data = d;
    },
    shard: () => {},
  };
  vm.runInContext(fs.readFileSync(path.join(outDir, "search/index.js"), "utf8"), context);
  const index = new api.engine.Index(data);
  context.faultlineSearch = { index: () => {}, shard: (k, d) => index.addShard(k, d) };
  for (let k = 0; k < data.shards.length; k++) {
    vm.runInContext(fs.readFileSync(path.join(outDir, `search/shard-${k}.js`), "utf8"), context);
  }
  return {
    engine: api.engine,
    index,
    /** All hits of `q`, best first, as [doc, exact, points]. */
    hits(q) {
      return index.rank(index.plan(q)).hits;
    },
    /** The ids of the `n` best hits of `q`. */
    query(q, n = 3) {
      return index.rank(index.plan(q), n).hits.map((h) => index.docs[h[0]][0]);
    },
  };
}
