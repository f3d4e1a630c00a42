// The link page follows a linking in progress: the QR image follows the
// newest code, and the status line says when a phone is linked or the
// linking ended without one, in the words the page put on #linking
// (data-linked, data-the-phone, data-ended, data-waiting: the user's language).
(function () {
  "use strict";
  var box = document.getElementById("linking");
  if (!box) { return; }
  var img = document.getElementById("qr");
  var pairing = document.getElementById("pairing");
  var status = document.getElementById("status");
  var started = Date.now();
  var seenCode = !img.hidden || !pairing.hidden;
  var lastCode = "";

  function show(s) {
    if (s.linked) {
      img.hidden = true;
      pairing.hidden = true;
      status.textContent = box.dataset.linked.replace("{phone}", s.phone || box.dataset.thePhone);
      return false;
    }
    if (!s.linking) {
      if (seenCode || Date.now() - started > 30000) {
        img.hidden = true;
        pairing.hidden = true;
        status.textContent = box.dataset.ended;
        return false;
      }
      return true; // WhatsApp has not offered the first code yet
    }
    seenCode = true;
    if (s.pairing_code) {
      pairing.textContent = s.pairing_code;
      pairing.hidden = false;
      img.hidden = true;
    } else if (s.code_id !== lastCode) {
      lastCode = s.code_id;
      img.src = img.dataset.src + "?v=" + encodeURIComponent(s.code_id);
      img.hidden = false;
    }
    status.textContent = box.dataset.waiting;
    return true;
  }

  function poll() {
    fetch(box.dataset.state, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) { if (show(s)) { setTimeout(poll, 2000); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
