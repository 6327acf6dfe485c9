// The ticket page: a print button (shown only when this script runs) and, at the kiosk,
// printing as soon as the ticket appears (Chromium started with --kiosk-printing prints
// without asking). No other behaviour: the pages work without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  if (document.querySelector("[data-autoprint]")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
