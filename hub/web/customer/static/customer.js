// Live updates for the customer page. The page works without this file:
// every action is a plain form. With it, new messages, delivery states and
// work-order changes arrive over Server-Sent Events; after a dropped
// connection the browser resumes from the last event id it saw, and the
// server replays whatever was missed.
(function () {
  "use strict";
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
  source.addEventListener("order", function (e) {
    var el = fragment(e.data);
    var old = document.getElementById("order");
    if (el && old) { old.replaceWith(el); }
  });
  source.addEventListener("open", function () { if (live) { live.hidden = false; } });
})();
