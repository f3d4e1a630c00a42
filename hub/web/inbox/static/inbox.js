// Live updates for the inbox. The pages work without this file. With it,
// the server's stream (/inbox/events, Server-Sent Events) names the thread
// of every new message, delivery state, decision or work-order change in
// the user's branches; the list reloads, and a thread page reloads when
// its own thread changed. After a dropped connection the browser resumes
// from the last event id it saw and the server replays what was missed.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-events");
  if (!url || !window.EventSource) { return; }
  var m = /^\/inbox\/threads\/(\d+)/.exec(location.pathname);
  var thread = m ? m[1] : null;
  var pending = null;
  var lastReload = Date.now();
  // leaving is set while the page is being left (see beforeunload below);
  // missed, that a reload was held back meanwhile.
  var leaving = null, missed = false;

  // typing tells whether the user is writing in a field (the list's
  // search): the reload waits until they stop.
  function typing() {
    var el = document.activeElement;
    return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA") && el.value !== "";
  }

  // reload at most once per 2 s, however many events arrive.
  function reload() {
    if (leaving) { missed = true; return; }
    if (pending) { return; }
    var wait = Math.max(0, lastReload + 2000 - Date.now());
    pending = setTimeout(function fire() {
      if (typing()) { pending = setTimeout(fire, 2000); return; }
      location.reload();
    }, wait);
  }

  // unsaved tells whether a composer holds text a reload would lose.
  function unsaved() {
    var boxes = document.querySelectorAll("textarea");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value.trim() !== "") { return true; }
    }
    return false;
  }

  function notice() {
    if (document.getElementById("live-notice")) { return; }
    var ru = (document.documentElement.lang || "").indexOf("ru") === 0;
    var p = document.createElement("p");
    p.id = "live-notice";
    p.className = "error";
    p.setAttribute("role", "status");
    var a = document.createElement("a");
    a.href = location.pathname + location.search;
    a.textContent = ru ? "Новые сообщения — обновить" : "New messages — reload";
    a.addEventListener("click", function (e) { e.preventDefault(); location.reload(); });
    p.appendChild(a);
    var main = document.querySelector("main");
    (main || document.body).insertBefore(p, (main || document.body).firstChild);
  }

  var source = new EventSource(url);
  source.addEventListener("thread", function (e) {
    // inbox_notify.js listens for this to notify of a new customer message.
    document.dispatchEvent(new CustomEvent("naryad:thread", { detail: e.data }));
    if (thread === null) { reload(); return; }
    if (e.data !== thread) { return; }
    if (unsaved()) { notice(); return; }
    reload();
  });
  // A page being left must not reload itself: a reload that starts after
  // the next page has answered, before it is shown, wins over it and the
  // browser stays here (or it cancels the form just submitted). If the
  // page is still here 5 s on (the navigation was a download, or stopped),
  // it catches up.
  window.addEventListener("beforeunload", function () {
    if (pending) { clearTimeout(pending); pending = null; missed = true; }
    clearTimeout(leaving);
    leaving = setTimeout(function () {
      leaving = null;
      if (missed) { missed = false; reload(); }
    }, 5000);
  });
  // Leaving the page closes the stream at once instead of at the next
  // heartbeat.
  window.addEventListener("pagehide", function () { source.close(); });
})();

// "typing…" in WhatsApp: while an advisor writes in a WhatsApp thread's
// reply box, the page says so at most every 5 s; after 6 s without a key,
// on leaving the box and on sending it says they stopped.
(function () {
  "use strict";
  var box = document.querySelector("textarea[data-typing]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-typing"), csrf = box.getAttribute("data-csrf");
  var lastSent = 0, idle = null, composing = false;
  function say(state) {
    var body = new URLSearchParams({ state: state, csrf: csrf });
    if (state === "paused" && navigator.sendBeacon) { navigator.sendBeacon(url, body); return; }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true }).catch(function () {});
  }
  function stop() {
    clearTimeout(idle);
    if (!composing) { return; }
    composing = false;
    lastSent = 0;
    say("paused");
  }
  box.addEventListener("input", function () {
    if (Date.now() - lastSent >= 5000) { lastSent = Date.now(); composing = true; say("composing"); }
    clearTimeout(idle);
    idle = setTimeout(stop, 6000);
  });
  box.addEventListener("blur", stop);
  if (box.form) { box.form.addEventListener("submit", stop); }
  window.addEventListener("pagehide", stop);
})();

// The template picker's preview: the selected template's text as this
// thread's customer would get it (the server renders each one).
(function () {
  "use strict";
  var select = document.getElementById("template"), out = document.getElementById("template-preview");
  if (!select || !out) { return; }
  function show() {
    var o = select.options[select.selectedIndex];
    out.textContent = o ? o.getAttribute("data-preview") || "" : "";
  }
  select.addEventListener("change", show);
  show();
})();
