// Desktop notifications and a sound for a new customer message in my
// queue (threads assigned to me or that I follow), opt-in: the bell button in the list's
// head turns them on (asking the browser's permission) and off; the
// choice is kept in localStorage. It listens to the page's live stream
// through inbox.js's "naryad:thread" event, asks the server what the
// thread's last customer message is (…/peek), and notifies once per
// message (the ids seen are kept in localStorage, so the reload that
// follows an event does not notify again).
(function () {
  "use strict";
  var button = document.querySelector(".notify-toggle");
  if (!button || !("Notification" in window) || !window.fetch || !window.localStorage) { return; }
  var KEY = "naryad.notify", SEEN = "naryad.notify.seen", SINCE = "naryad.notify.since";
  var state = document.querySelector(".notify-state");

  function on() { return localStorage.getItem(KEY) === "on" && Notification.permission === "granted"; }
  function show() {
    button.hidden = false;
    button.setAttribute("aria-pressed", on() ? "true" : "false");
    button.title = on() ? button.getAttribute("data-on") : button.getAttribute("data-off");
  }
  function say(text) { if (state) { state.textContent = text; } }

  button.addEventListener("click", function () {
    if (on()) {
      localStorage.setItem(KEY, "off");
      say(button.getAttribute("data-off"));
      show();
      return;
    }
    Promise.resolve(Notification.requestPermission()).then(function (p) {
      if (p !== "granted") { say(button.getAttribute("data-denied")); show(); return; }
      localStorage.setItem(KEY, "on");
      localStorage.setItem(SINCE, String(Date.now()));
      say(button.getAttribute("data-on"));
      show();
    });
  });
  show();

  function seen() {
    try { return JSON.parse(localStorage.getItem(SEEN) || "{}") || {}; } catch (e) { return {}; }
  }

  // beep plays a short two-tone chime; a browser that blocks audio before
  // a click stays silent, the notification still shows.
  function beep() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) { return; }
    try {
      var ctx = new AC(), t = ctx.currentTime;
      [660, 880].forEach(function (f, i) {
        var o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.15, t + i * 0.15);
        g.gain.exponentialRampToValueAtTime(0.001, t + i * 0.15 + 0.14);
        o.connect(g); g.connect(ctx.destination);
        o.start(t + i * 0.15); o.stop(t + i * 0.15 + 0.15);
      });
    } catch (e) { /* no sound */ }
  }

  var current = (/^\/inbox\/threads\/(\d+)/.exec(location.pathname) || [])[1];
  document.addEventListener("naryad:thread", function (e) {
    var id = String(e.detail);
    if (!on() || (id === current && !document.hidden)) { return; }
    fetch("/inbox/threads/" + id + "/peek", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p || !p.mine || !p.in_id || p.at < Number(localStorage.getItem(SINCE) || 0) - 60000) { return; }
        var s = seen();
        if (s[id] >= p.in_id) { return; }
        s[id] = p.in_id;
        localStorage.setItem(SEEN, JSON.stringify(s));
        var n = new Notification(button.getAttribute("data-title") + ": " + p.title, { body: p.body, tag: "naryad-thread-" + id });
        n.onclick = function () { window.focus(); location.href = "/inbox/threads/" + id; };
        beep();
      })
      .catch(function () {});
  });
})();
