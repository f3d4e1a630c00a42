// The kiosk page's behaviour. Every button is a plain form; this script
// adds what a touch screen needs: the on-screen keypad, following the
// engine when the screen changes by itself (a door closed), going back to
// the start screen when nobody touches the kiosk, and no double taps.
(function () {
  "use strict";
  var body = document.body;
  var leaving = false; // a form is being sent: stop polling, ignore taps

  // No long-press menu, no pinch, no dragging text around a kiosk.
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });

  // One tap, one action: a second tap on OK while the first is on its way
  // would submit the code twice (two wrong entries, or two doors).
  document.addEventListener("submit", function (e) {
    if (leaving) { e.preventDefault(); return; }
    leaving = true;
  });

  // --- On-screen keypad -------------------------------------------------
  // Digits go into the field last touched (or the form's first field); OK
  // submits that field's form.
  var active = null;
  document.querySelectorAll("input.field").forEach(function (f) {
    f.addEventListener("focus", function () { active = f; mark(); });
  });
  function fieldOf(pad) {
    var form = document.getElementById(pad.getAttribute("data-keypad"));
    if (active && active.form === form) { return active; }
    return form ? form.querySelector("input.field") : null;
  }
  function mark() {
    document.querySelectorAll("input.field").forEach(function (f) {
      f.classList.toggle("active", f === active);
    });
  }
  document.querySelectorAll("[data-keypad]").forEach(function (pad) {
    pad.addEventListener("click", function (e) {
      var key = e.target.closest("button[data-key]");
      if (!key) { return; }
      var field = fieldOf(pad);
      if (!field) { return; }
      var k = key.getAttribute("data-key");
      if (k === "clear") {
        field.value = "";
      } else if (k === "erase") {
        field.value = field.value.slice(0, -1);
      } else if (field.maxLength < 0 || field.value.length < field.maxLength) {
        field.value += k;
      }
      active = field;
      mark();
      field.focus({ preventScroll: true });
    });
  });
  // A tap on a key must not take the focus from the field.
  document.querySelectorAll("[data-keypad] button").forEach(function (b) {
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });
  });
  // A physical keyboard types into the active field even when the focus is
  // elsewhere (after a tap on the page).
  document.addEventListener("keydown", function (e) {
    if (!active || e.target instanceof HTMLInputElement || e.ctrlKey || e.altKey || e.metaKey) { return; }
    if (/^[0-9]$/.test(e.key) || e.key === "Backspace" || e.key === "Enter") {
      e.preventDefault();
      if (e.key === "Enter") { active.form.requestSubmit(); return; }
      active.value = e.key === "Backspace" ? active.value.slice(0, -1) :
        (active.maxLength < 0 || active.value.length < active.maxLength ? active.value + e.key : active.value);
      active.focus({ preventScroll: true });
    }
  });
  // The first field starts active so the keypad works before any touch.
  var first = document.querySelector("input.field[autofocus]") || document.querySelector("input.field");
  if (first) { active = first; mark(); first.focus({ preventScroll: true }); }

  // --- Following the engine ---------------------------------------------
  // The engine moves on by itself (a door closed, an alarm); its Seq says
  // when. A failed poll (the kiosk restarting) just tries again.
  var seq = body.getAttribute("data-seq");
  function poll() {
    if (leaving) { return; }
    fetch("/screen", { cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && String(s.seq) !== seq && !leaving) {
          leaving = true;
          location.replace("/");
          return;
        }
        setTimeout(poll, 500);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 500);

  // --- Idle: back to the start screen -----------------------------------
  // Only where the page allows it (not the start screen, not an open door).
  var idle = Number(body.getAttribute("data-idle-ms")) || 0;
  if (idle > 0) {
    var timer = 0;
    var arm = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var home = document.getElementById("home-form");
        if (home && !leaving) { leaving = true; home.submit(); }
      }, idle);
    };
    ["pointerdown", "keydown", "touchstart", "input"].forEach(function (name) {
      document.addEventListener(name, arm, { passive: true, capture: true });
    });
    arm();
  }

  // --- Reopen offered only for a while ----------------------------------
  document.querySelectorAll("form[data-until]").forEach(function (form) {
    var left = Number(form.getAttribute("data-until")) - Date.now();
    setTimeout(function () { form.hidden = true; }, Math.max(0, left));
  });
})();
