// safezone admin: small behaviours shared by every page (no inline scripts: CSP forbids them).
(function () {
  "use strict";
  var toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Meter bars carry their width as data so no inline style is needed.
  document.querySelectorAll("[data-width]").forEach(function (el) {
    var value = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(value)) { el.style.width = Math.max(0, Math.min(100, value)) + "%"; }
  });
  // Forms marked data-confirm ask before submitting (the server still re-checks everything).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Auto-submit selects in filter bars.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Print buttons (the door-knocking sheet): no inline script under our CSP.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
