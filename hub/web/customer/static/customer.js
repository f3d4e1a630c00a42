// Live updates for the customer page. The page works without this file:
// every action is a plain form. With it, new messages, delivery states and
// work-order changes arrive over Server-Sent Events; after a dropped
// connection the browser resumes from the last event id it saw, and the
// server replays whatever was missed.
(function () {
  "use strict";
  // A file over the limit is refused here, before minutes of uploading on a
  // phone end in a refusal (the server checks again either way).
  var file = document.querySelector('input[type="file"][data-max]');
  if (file) {
    file.addEventListener("change", function () {
      var max = Number(file.getAttribute("data-max"));
      var tooBig = file.files.length > 0 && max > 0 && file.files[0].size > max;
      file.setCustomValidity(tooBig ? file.getAttribute("data-too-big") : "");
      if (tooBig) { file.reportValidity(); }
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
