/* Injected by `site-builder serve` only: reload on rebuild, show content errors. */
(function () {
  "use strict";
  var base = "/__site-builder/";
  var overlay = null;

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function show(problems) {
    if (overlay) { overlay.remove(); overlay = null; }
    if (!problems || !problems.length) { return; }
    overlay = document.createElement("div");
    overlay.id = "site-builder-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:99999;background:rgba(40,0,0,.88);" +
      "color:#fff;overflow:auto;padding:32px;font:15px/1.7 system-ui,sans-serif";
    var items = problems.map(function (p) {
      var place = escapeHtml(p.file) + (p.line ? ":" + p.line : "");
      return "<li style='margin:0 0 14px'><code style='color:#ffd479'>" + place + "</code>" +
        (p.key ? " 「" + escapeHtml(p.key) + "」" : "") + "<br>" + escapeHtml(p.message) +
        (p.hint ? "<br><span style='color:#ddd'>提示：" + escapeHtml(p.hint) + "</span>" : "") + "</li>";
    }).join("");
    overlay.innerHTML = "<h2 style='margin:0 0 12px;font-size:20px'>稿件有 " + problems.length +
      " 个错误，预览仍显示上一次成功的结果</h2><p>改正并保存文件后，此提示会自动消失。</p>" +
      "<ol style='padding-left:1.4em'>" + items + "</ol>";
    document.body.appendChild(overlay);
  }

  fetch(base + "status").then(function (r) { return r.json(); })
    .then(function (s) { show(s.problems); }).catch(function () {});
  var events = new EventSource(base + "events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
}());
