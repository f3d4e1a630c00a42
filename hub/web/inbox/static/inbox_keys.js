// Keyboard shortcuts of the inbox (help: the "?" key or the ? button):
// j / ↓ next thread, k / ↑ previous, Enter opens the selected one (a
// link), r reply, e resolve, a assign. On the list page j/k move the
// focus along the list; on a thread page they open the next or previous
// thread of the list beside it. No key acts while the user types in a
// field or holds a modifier, so typing "j" into the search stays typing.
(function () {
  "use strict";
  var help = document.getElementById("keys-help");

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("ol.threads li.thread a.who")); }

  // step moves along the list by d (+1 next, -1 previous).
  function step(d) {
    var links = rows();
    if (!links.length) { return; }
    var current = document.querySelector("ol.threads li.thread.current a.who");
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest("ol.threads li.thread") : null;
    if (current && !focused) { // a thread page: open the neighbour
      var i = links.indexOf(current) + d;
      if (i >= 0 && i < links.length) { location.href = links[i].href; }
      return;
    }
    var at = focused ? links.indexOf(focused.querySelector("a.who")) : -1;
    var next = links[Math.min(links.length - 1, Math.max(0, at < 0 ? 0 : at + d))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function openHelp() {
    if (help && !help.open && help.showModal) { help.showModal(); }
  }

  var buttons = document.querySelectorAll(".keys-open");
  for (var b = 0; b < buttons.length; b++) { buttons[b].addEventListener("click", openHelp); }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || e.defaultPrevented) { return; }
    if (help && help.open) { return; } // the dialog handles Escape itself
    var el;
    switch (e.key) {
    case "j": case "ArrowDown": step(1); break;
    case "k": case "ArrowUp": step(-1); break;
    case "r":
      el = document.getElementById("reply");
      if (!el) { return; }
      el.focus();
      break;
    case "e":
      el = document.querySelector("form[action$='/resolve']");
      if (!el) { return; }
      el.requestSubmit ? el.requestSubmit() : el.submit();
      break;
    case "a":
      el = document.querySelector("form.assign select");
      if (!el) { return; }
      el.focus();
      break;
    case "?": openHelp(); break;
    default: return;
    }
    e.preventDefault();
  });
})();
