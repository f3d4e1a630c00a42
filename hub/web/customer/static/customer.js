// Live updates for the customer page. The page works without this file:
// every action is a plain form. With it, new messages, delivery states and
// work-order changes arrive over Server-Sent Events; after a dropped
// connection the browser resumes from the last event id it saw, and the
// server replays whatever was missed.
(function () {
  "use strict";
  // A file over the limit is refused here, before minutes of uploading on a
  // phone end in a refusal (the server checks again either way).
  document.querySelectorAll('input[type="file"][data-max]').forEach(function (file) {
    file.addEventListener("change", function () {
      var max = Number(file.getAttribute("data-max"));
      var tooBig = file.files.length > 0 && max > 0 && file.files[0].size > max;
      file.setCustomValidity(tooBig ? file.getAttribute("data-too-big") : "");
      if (tooBig) { file.reportValidity(); }
    });
  });

  // The live total: as the customer picks, the sum their choices make so
  // far, written as the server writes money (learnt from data-money, the
  // server's own 1 234 567,89). The review step shows the server's figure.
  function money(sample, minor) {
    var m = /^(.*?)1(\D?)234\D?567(\D)89(.*)$/.exec(sample);
    if (!m) { return ""; }
    var neg = minor < 0, v = Math.abs(minor);
    var whole = String(Math.floor(v / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, m[2]);
    var cents = String(v % 100);
    if (cents.length < 2) { cents = "0" + cents; }
    return (neg ? "-" : "") + m[1] + whole + m[3] + cents + m[4];
  }
  function liveTotal(e) {
    var form = e && e.target && e.target.form;
    if (!form || form.id !== "estimate-form") { return; }
    var total = Number(form.getAttribute("data-total"));
    form.querySelectorAll('input[type="radio"][data-delta]:checked').forEach(function (r) {
      total += Number(r.getAttribute("data-delta"));
    });
    var out = document.getElementById("live-total");
    var text = money(form.getAttribute("data-money"), total);
    if (!out || !text) { return; }
    out.querySelector("strong").textContent = text;
    out.hidden = false;
  }
  document.addEventListener("change", liveTotal);

  // Tap a thumbnail: the photo large in a dialog; swipe (or the arrows)
  // moves through the photos of the same item. Without the dialog the
  // link opens the photo itself.
  var viewer = document.getElementById("viewer");
  var shown = [], at = 0;
  function show(i) {
    if (!shown.length) { return; }
    at = (i + shown.length) % shown.length;
    viewer.querySelector("img").src = shown[at].getAttribute("href");
    viewer.querySelector(".viewer-count").textContent = (at + 1) + " / " + shown.length;
  }
  if (viewer && viewer.showModal) {
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a.thumb");
      if (!a) { return; }
      e.preventDefault();
      var group = a.getAttribute("data-group");
      var scope = a.closest("fieldset, li.item") || document;
      shown = Array.prototype.slice.call(scope.querySelectorAll('a.thumb[data-group="' + group + '"]'));
      show(shown.indexOf(a));
      viewer.showModal();
    });
    viewer.addEventListener("click", function (e) {
      var step = e.target.getAttribute("data-step");
      if (step) { show(at + Number(step)); }
      if (e.target.hasAttribute("data-close") || e.target === viewer) { viewer.close(); }
    });
    var startX = null;
    viewer.addEventListener("touchstart", function (e) { startX = e.touches[0].clientX; }, { passive: true });
    viewer.addEventListener("touchend", function (e) {
      if (startX === null) { return; }
      var dx = e.changedTouches[0].clientX - startX;
      startX = null;
      if (Math.abs(dx) > 40) { show(at + (dx < 0 ? 1 : -1)); }
    });
    document.addEventListener("keydown", function (e) {
      if (!viewer.open) { return; }
      if (e.key === "ArrowRight") { show(at + 1); }
      if (e.key === "ArrowLeft") { show(at - 1); }
    });
  }

  var url = document.body.getAttribute("data-events");
  if (!url || !window.EventSource) { return; }
  var source = new EventSource(url);
  var live = document.getElementById("live");

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  function upsertMessage(e) {
    var el = fragment(e.data);
    if (!el) { return; }
    var old = document.getElementById(el.id);
    if (old) { old.replaceWith(el); return; }
    var empty = document.getElementById("no-messages");
    if (empty) { empty.remove(); }
    document.getElementById("messages").appendChild(el);
  }

  source.addEventListener("message", upsertMessage);
  source.addEventListener("delivery", upsertMessage);
  // Live fragments are shared by every page of the thread, so they carry no
  // session data: forms in them get this page's CSRF token here.
  var csrf = document.querySelector('meta[name="csrf"]');
  source.addEventListener("order", function (e) {
    var el = fragment(e.data);
    var old = document.getElementById("order");
    if (!el || !old) { return; }
    el.querySelectorAll('input[name="csrf"]').forEach(function (i) { i.value = csrf ? csrf.content : ""; });
    old.replaceWith(el);
  });
  source.addEventListener("open", function () { if (live) { live.hidden = false; } });
})();
