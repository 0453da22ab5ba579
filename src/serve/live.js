// faultline serve: reloads this page when the site is rebuilt, keeping the scroll position,
// and shows build errors over the page until they are fixed. The server adds this script to
// the HTML it sends; it is never part of the built site.
(() => {
  "use strict";
  const script = document.currentScript;
  const version = Number(script && script.dataset.version);
  const key = "faultline-serve-scroll";
  const here = () => location.pathname + location.search;

  // Back where the reader was before the reload, once the page has its full height.
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) || "null");
    sessionStorage.removeItem(key);
    if (saved && saved.path === here()) {
      const restore = () => window.scrollTo(saved.x, saved.y);
      if (document.readyState === "complete") restore();
      else window.addEventListener("load", restore, { once: true });
    }
  } catch (_) {
    // Storage can be disabled; the page then reloads at the top.
  }

  // Before the site has ever built, the server's page lists the errors itself.
  const neverBuilt = document.getElementById("faultline-never-built");
  let overlay = null;
  // Diagnostics are text: they go in with textContent, never as HTML. `all:initial` keeps
  // the page's own styles (a theme's `pre`, say) off the overlay.
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "faultline-serve-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "all:initial;display:block;position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;padding:1em;background:#1e1e1e;color:#f4f4f4;border-top:4px solid #e5484d;" +
        "font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.35)";
      const title = document.createElement("strong");
      title.style.cssText = "all:initial;display:block;font:inherit;font-weight:bold;color:inherit";
      title.textContent = "faultline serve: the site has errors. This page is the last good build.";
      const text = document.createElement("pre");
      text.style.cssText = "all:initial;display:block;margin:.75em 0 0;white-space:pre-wrap;font:inherit;color:inherit";
      overlay.append(title, text);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  // Named by its path, the page hears of the versions that changed it or what it loads.
  const events = new EventSource("/__faultline/events?path=" + encodeURIComponent(location.pathname));
  events.addEventListener("state", (message) => {
    const state = JSON.parse(message.data);
    if (state.version > version) {
      try {
        sessionStorage.setItem(key, JSON.stringify({ path: here(), x: window.scrollX, y: window.scrollY }));
      } catch (_) {
        // As above: without storage the page reloads at the top.
      }
      events.close();
      location.reload();
      return;
    }
    if (neverBuilt) neverBuilt.textContent = state.errors || "";
    else if (state.errors) show(state.errors);
    else hide();
  });
})();
