// Ferret dashboard: progressive enhancement only. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Forms marked data-confirm ask before submitting (revoking a token, removing a member).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // A page with running scans reloads itself every few seconds until they finish.
  var live = document.querySelector("[data-refresh-seconds]");
  if (live) {
    var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10);
    if (seconds > 0) {
      window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
  }
  // Selecting text of a shown-once secret in one click.
  document.querySelectorAll(".secret-once").forEach(function (el) {
    el.addEventListener("click", function () {
      var range = document.createRange();
      range.selectNodeContents(el);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    });
  });
});
