// The courtesy-car page. Everything but the signature works without this
// file (plain forms); with it, a photo is sent as soon as it is taken,
// a file over the limit is refused before minutes of uploading, and the
// signature is drawn on the canvas with pointer events (mouse, finger,
// pen) and sent as a PNG data URL in the form's hidden field.
(function () {
  "use strict";

  document.querySelectorAll('input[type="file"][data-max]').forEach(function (file) {
    file.addEventListener("change", function () {
      var max = Number(file.getAttribute("data-max"));
      var tooBig = file.files.length > 0 && max > 0 && file.files[0].size > max;
      file.setCustomValidity(tooBig ? file.getAttribute("data-too-big") : "");
      if (tooBig) { file.reportValidity(); return; }
      if (file.files.length > 0 && file.form.requestSubmit) { file.form.requestSubmit(); }
    });
  });

  // While the online identity check is being processed, ask every few
  // seconds whether it is over (the server reads it back from the
  // provider) and show the page again when it is.
  var poll = document.querySelector("[data-poll]");
  if (poll && window.fetch) {
    var every = Number(poll.getAttribute("data-every")) || 5000;
    var was = poll.getAttribute("data-status");
    var ask = function () {
      fetch(poll.getAttribute("data-poll"), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s && s.status && s.status !== was) { window.location.reload(); return; }
          window.setTimeout(ask, every);
        })
        .catch(function () { window.setTimeout(ask, every); });
    };
    window.setTimeout(ask, every);
  }

  var pad = document.getElementById("signature-pad");
  if (!pad || !pad.getContext) { return; }
  var form = pad.closest("form");
  var field = document.getElementById("signature");
  var ctx = pad.getContext("2d");
  var drawing = null, inked = false, width = 0;

  // The canvas keeps at most two device pixels per CSS pixel: sharp on
  // a phone, and a PNG of tens of kilobytes, not hundreds.
  function fit() {
    var box = pad.getBoundingClientRect();
    if (Math.round(box.width) === width) { return; }
    width = Math.round(box.width);
    var scale = Math.min(window.devicePixelRatio || 1, 2);
    pad.width = Math.round(box.width * scale);
    pad.height = Math.round(box.height * scale);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = ctx.fillStyle = "#10233f";
    inked = false; // a resized canvas is blank
    field.value = "";
  }
  function at(e) {
    var box = pad.getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top };
  }
  function keep() {
    field.value = inked ? pad.toDataURL("image/png") : "";
    if (inked) { document.getElementById("signature-empty").hidden = true; }
  }

  pad.addEventListener("pointerdown", function (e) {
    if (e.button > 0) { return; }
    e.preventDefault();
    if (pad.setPointerCapture) { pad.setPointerCapture(e.pointerId); }
    drawing = at(e);
    ctx.beginPath();
    ctx.arc(drawing.x, drawing.y, 1.25, 0, 2 * Math.PI);
    ctx.fill();
    inked = true;
  });
  pad.addEventListener("pointermove", function (e) {
    if (!drawing) { return; }
    e.preventDefault();
    var points = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    if (!points.length) { points = [e]; }
    ctx.beginPath();
    ctx.moveTo(drawing.x, drawing.y);
    points.forEach(function (p) {
      drawing = at(p);
      ctx.lineTo(drawing.x, drawing.y);
    });
    ctx.stroke();
  });
  function end() {
    if (!drawing) { return; }
    drawing = null;
    keep();
  }
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  pad.addEventListener("lostpointercapture", end);

  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, pad.width, pad.height);
    inked = false;
    keep();
  });
  form.addEventListener("submit", function (e) {
    keep();
    if (!field.value) {
      e.preventDefault();
      var say = document.getElementById("signature-empty");
      say.hidden = false;
      pad.scrollIntoView({ block: "center" });
    }
  });
  fit();
  window.addEventListener("resize", fit);
})();
