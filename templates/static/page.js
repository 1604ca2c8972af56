/* Every page: the reader's font size (字号 大/中/小) and 打印本页.
   Loaded in <head>, so the remembered size is on <html> before the page is drawn.  The size
   is kept in localStorage (also for pages opened from disk); where storage is refused it
   still applies to the page at hand.  The buttons are in the page's HTML, hidden until this
   script shows them: without JavaScript they would do nothing. */
(function () {
  "use strict";
  var KEY = "site-builder.fontsize";
  var SIZES = ["large", "medium", "small"];
  var html = document.documentElement;

  function remembered() {
    try { return localStorage.getItem(KEY); } catch (err) { return null; }
  }

  function apply(size) {
    if (SIZES.indexOf(size) < 0) { size = "medium"; }
    html.setAttribute("data-fontsize", size);
    var buttons = document.querySelectorAll("[data-set-fontsize]");
    for (var i = 0; i < buttons.length; i++) {
      var own = buttons[i].getAttribute("data-set-fontsize");
      buttons[i].setAttribute("aria-pressed", own === size ? "true" : "false");
    }
  }

  apply(remembered());

  document.addEventListener("DOMContentLoaded", function () {
    var tools = document.querySelectorAll(".page-tools");
    for (var i = 0; i < tools.length; i++) { tools[i].hidden = false; }
    apply(html.getAttribute("data-fontsize"));
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("button") : null;
      if (!target) { return; }
      var size = target.getAttribute("data-set-fontsize");
      if (size) {
        apply(size);
        try { localStorage.setItem(KEY, size); } catch (err) { /* this page only */ }
      } else if (target.hasAttribute("data-print")) {
        window.print();
      }
    });
  });
})();
