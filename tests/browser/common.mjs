// What the browser suites share: the static file server they read a built site through, and
// the recorder of what must not happen on a page.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

export const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** A static file server for `dir`, as a plain host would be: folders answer index.html. */
/** A server for `dir` behaving as a plain host: folders answer index.html, a folder URL
 * without its slash is redirected, unknown paths get the site's 404.html. The caller
 * listens on 127.0.0.1. */
export function serve(dir) {
  return http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(dir, pathname);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (fs.statSync(file).isDirectory()) {
        if (!pathname.endsWith("/")) {
          res.writeHead(301, { location: pathname + "/" }).end();
          return;
        }
        file = path.join(file, "index.html");
      }
      const body = fs.readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      const body = fs.existsSync(path.join(dir, "404.html")) ? fs.readFileSync(path.join(dir, "404.html")) : "";
      res.writeHead(404, { "content-type": TYPES[".html"] }).end(body);
    }
  });
}

/** Records into `problems` what must not happen on `page`: console errors (the favicon's
 * included), page errors, failed requests, HTTP errors and dialogs (dismissed). */
export function recordProblems(page, problems) {
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error on ${page.url()}: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Leaving a page at once aborts the browser's own request for its icon; the icon test
    // waits for it to finish instead.
    const aborted = r.failure()?.errorText === "net::ERR_ABORTED" && r.resourceType() === "other";
    if (!(aborted && /\/favicon\.svg$/.test(r.url()))) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog on ${page.url()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
}
