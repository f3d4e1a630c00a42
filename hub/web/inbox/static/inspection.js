// The mechanic's inspection page. Without this file every form posts and
// the page comes back. With it:
//  - every change (a state, a measurement, a note) is saved at once with
//    fetch, so the draft lives on the server; a change that could not be
//    sent (no network) waits in localStorage and is sent again, also after
//    the page was closed and opened again;
//  - photos and videos go one by one through a queue, each with its own
//    progress and error, retried after a network failure with the same
//    upload_key (the server stores a retried upload once).
(function () {
  "use strict";
  var main = document.querySelector("main.inspection");
  if (!main || !window.fetch || !window.FormData) { return; }
  document.body.classList.add("js");
  var csrf = (document.querySelector('meta[name="csrf"]') || {}).content || "";
  var status = document.getElementById("save-state");
  var words = {};
  document.querySelectorAll("#words li").forEach(function (li) { words[li.getAttribute("data-name")] = li.textContent; });
  function w(name) { return words[name] || name; }
  var storeKey = "naryad-inspection:" + main.getAttribute("data-url");

  function say(text, offline) {
    status.textContent = text;
    status.classList.toggle("offline", !!offline);
  }

  // --- Saving item fields ---------------------------------------------
  // pending: item form action → fields not yet saved (the newest value of
  // each field wins).
  var pending = load();
  var inFlight = {};
  var timers = {};
  var saveTimeout = 20000; // ms a save may take before it is retried

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function keep() {
    try {
      if (Object.keys(pending).length) { localStorage.setItem(storeKey, JSON.stringify(pending)); } else { localStorage.removeItem(storeKey); }
    } catch (e) { /* private mode: the server still gets it while online */ }
  }

  function queueSave(action, name, value, delay) {
    pending[action] = pending[action] || {};
    pending[action][name] = value;
    keep();
    clearTimeout(timers[action]);
    timers[action] = setTimeout(function () { flush(action, 0); }, delay);
  }

  function itemOf(action) {
    var f = document.querySelector('form.item-form[action="' + action + '"]');
    return f ? f.closest("article.item") : null;
  }

  function showItemError(action, text) {
    var item = itemOf(action);
    var p = item && item.querySelector(".item-error");
    if (!p) { return; }
    p.textContent = text || "";
    p.hidden = !text;
  }

  function flush(action, attempt) {
    var fields = pending[action];
    if (!fields || inFlight[action]) { return; }
    inFlight[action] = true;
    delete pending[action];
    keep();
    say(w("js_saving"));
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (k) { body.set(k, fields[k]); });
    // On bay Wi-Fi a request can hang without failing; inFlight would then
    // hold every later change of this item back for good. After 20 s the
    // request is aborted and the catch below retries it (the edit is the
    // same fields again, so a save that did arrive is only repeated).
    var abort = window.AbortController ? new AbortController() : null;
    var hung = setTimeout(function () { if (abort) { abort.abort(); } }, saveTimeout);
    fetch(action, {
      method: "POST", credentials: "same-origin", body: body, signal: abort ? abort.signal : undefined,
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) { return { resp: resp, data: data }; });
    }).then(function (r) {
      clearTimeout(hung);
      inFlight[action] = false;
      if (r.resp.status >= 500 || r.resp.status === 429) { throw new Error("server busy"); }
      if (!r.resp.ok) {
        showItemError(action, r.data.error || w("js_failed"));
        say("");
        return;
      }
      showItemError(action, "");
      say(w("js_saved"));
      if (pending[action]) { flush(action, 0); } // typed on while this one was sent
    }).catch(function () {
      // No network, a hung request (aborted above) or a server restarting:
      // put the fields back under anything typed since, and try again later.
      clearTimeout(hung);
      inFlight[action] = false;
      pending[action] = Object.assign({}, fields, pending[action] || {});
      keep();
      say(w("js_offline"), true);
      var wait = Math.min(30000, 2000 * Math.pow(2, attempt));
      clearTimeout(timers[action]);
      timers[action] = setTimeout(function () { flush(action, attempt + 1); }, wait);
    });
  }

  document.querySelectorAll("form.item-form").forEach(function (form) {
    var action = form.getAttribute("action");
    var item = form.closest("article.item");
    form.querySelectorAll("button.st").forEach(function (b) {
      b.addEventListener("click", function (e) {
        e.preventDefault();
        form.querySelectorAll("button.st").forEach(function (o) { o.setAttribute("aria-pressed", o === b ? "true" : "false"); });
        item.className = item.className.replace(/\bstate-\S+/, "state-" + b.value);
        queueSave(action, "state", b.value, 0);
      });
    });
    form.querySelectorAll("input[name=value], textarea[name=note]").forEach(function (el) {
      el.addEventListener("input", function () { queueSave(action, el.name, el.value, 800); });
      el.addEventListener("change", function () { queueSave(action, el.name, el.value, 0); });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      form.querySelectorAll("input[name=value], textarea[name=note]").forEach(function (el) { queueSave(action, el.name, el.value, 0); });
    });
  });
  // What a closed page left unsent goes now.
  Object.keys(pending).forEach(function (action) { flush(action, 0); });
  window.addEventListener("online", function () { Object.keys(pending).forEach(function (a) { flush(a, 0); }); });

  // --- Uploads ----------------------------------------------------------
  var queue = [];
  var busy = false;

  function randomKey() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function addToQueue(form, file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = w("js_waiting");
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(state);
    form.querySelector(".queue").appendChild(li);
    queue.push({ form: form, file: file, key: randomKey(), li: li, bar: bar, state: state, attempt: 0 });
    next();
  }

  function next() {
    if (busy || !queue.length) { return; }
    busy = true;
    send(queue[0]);
  }

  function done(job) {
    queue.shift();
    busy = false;
    next();
  }

  function failed(job, text) {
    job.state.textContent = w("js_failed") + ": " + text;
    job.state.className = "state failed";
    job.bar.remove();
    var remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = w("js_remove");
    remove.addEventListener("click", function () { job.li.remove(); });
    job.li.appendChild(remove);
    done(job);
  }

  function retry(job) {
    var wait = Math.min(30, 2 * Math.pow(2, job.attempt));
    job.attempt++;
    job.state.textContent = w("js_retry").replace("%s", wait);
    setTimeout(function () { send(job); }, wait * 1000);
  }

  function send(job) {
    var data = new FormData();
    data.append("csrf", csrf);
    data.append("upload_key", job.key);
    data.append("file", job.file, job.file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", job.form.getAttribute("action"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.timeout = 300000;
    job.state.textContent = w("js_uploading");
    job.state.className = "state";
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { job.bar.value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: a proxy's page */ }
      if (xhr.status === 200) {
        showMedia(job.form.closest("article.item"), body);
        job.li.remove();
        done(job);
      } else if (xhr.status >= 500 || xhr.status === 429 || xhr.status === 408) {
        retry(job); // the server was busy or restarting: the same key again
      } else {
        // 413 may come from the server's edge, before the page's own check.
        failed(job, body.error || (xhr.status === 413 ? w("err_file_too_big") : String(xhr.status)));
      }
    };
    xhr.onerror = xhr.ontimeout = function () { retry(job); };
    xhr.send(data);
  }

  function showMedia(item, m) {
    var list = item.querySelector("ul.media");
    if (!m.id || list.querySelector('li[data-id="' + m.id + '"]')) { return; }
    var li = document.createElement("li");
    li.setAttribute("data-id", m.id);
    var a = document.createElement("a");
    a.href = m.url;
    a.target = "_blank";
    a.rel = "noopener";
    if (m.thumb) {
      var img = document.createElement("img");
      img.src = m.thumb;
      img.alt = m.name;
      img.width = 96;
      img.height = 96;
      a.appendChild(img);
    } else {
      var span = document.createElement("span");
      span.className = "file";
      span.textContent = m.video ? "▶ " + w("js_video") : m.name;
      a.appendChild(span);
    }
    li.appendChild(a);
    var form = document.createElement("form");
    form.method = "post";
    form.className = "delete";
    form.action = m.delete;
    var b = document.createElement("button");
    b.type = "submit";
    b.textContent = "×";
    b.setAttribute("aria-label", m.name);
    form.appendChild(b);
    li.appendChild(form);
    list.appendChild(li);
    hookDelete(form);
  }

  function hookDelete(form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!confirm(w("js_confirm_delete"))) { return; }
      fetch(form.action, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json", "X-CSRF-Token": csrf } })
        .then(function (resp) { if (resp.ok) { form.closest("li").remove(); } else { say(w("js_failed"), true); } })
        .catch(function () { say(w("js_offline"), true); });
    });
  }

  document.querySelectorAll("form.add-media").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    input.multiple = true;
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (f) { addToQueue(form, f); });
      input.value = "";
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  });
  document.querySelectorAll("ul.media form.delete").forEach(hookDelete);

  window.addEventListener("beforeunload", function (e) {
    if (queue.length) { e.preventDefault(); e.returnValue = w("js_leave"); return w("js_leave"); }
  });
})();
