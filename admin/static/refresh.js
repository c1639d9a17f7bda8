// Reloads a list the console asked to keep fresh (<html data-refresh="N">), every N seconds,
// but never under the operator's hands: not while a field holds something typed or chosen
// and not yet sent, and not while the tab is hidden. Without scripts, the
// <noscript> meta refresh of base.html reloads the page unconditionally.
(function () {
  "use strict";
  var seconds = parseInt(document.documentElement.getAttribute("data-refresh") || "0", 10);
  if (!(seconds > 0)) { return; }
  var note = document.getElementById("refresh-held");

  // The option a select shows on loading: the one marked selected, else (a single choice)
  // the first.
  function defaultIndex(select) {
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].defaultSelected) { return j; }
    }
    return select.multiple || !select.options.length ? -1 : 0;
  }

  function edited() {
    var fields = document.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "hidden" || f.type === "submit" || f.type === "button") { continue; }
      if (f.tagName === "SELECT") {
        if (f.selectedIndex !== defaultIndex(f)) { return true; }
      } else if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked !== f.defaultChecked) { return true; }
      } else if (f.type === "file") {
        if (f.files && f.files.length) { return true; }
      } else if (f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function tick() {
    if (document.hidden) { return; }
    if (edited()) {
      if (note) { note.hidden = false; }
      return;
    }
    window.location.reload();
  }

  window.setInterval(tick, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !edited()) { window.setTimeout(tick, 1000); }
  });
})();
