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

  var built = [];  // the last build's errors
  var inbox = [];  // inbox files that could not be imported

  function item(p) {
    var place = escapeHtml(p.file) + (p.line ? ":" + p.line : "");
    return "<li style='margin:0 0 14px'><code style='color:#ffd479'>" + place + "</code>" +
      (p.key ? " 「" + escapeHtml(p.key) + "」" : "") + "<br>" + escapeHtml(p.message) +
      (p.hint ? "<br><span style='color:#ddd'>提示：" + escapeHtml(p.hint) + "</span>" : "") + "</li>";
  }

  function show() {
    if (overlay) { overlay.remove(); overlay = null; }
    if (!built.length && !inbox.length) { return; }
    overlay = document.createElement("div");
    overlay.id = "site-builder-overlay";
    overlay.setAttribute("role", "alert");
    // A build error covers the page; an inbox file alone gets a panel at its foot, the
    // preview still usable above it.
    overlay.style.cssText = (built.length ? "position:fixed;inset:0;" :
      "position:fixed;left:0;right:0;bottom:0;max-height:45vh;") +
      "z-index:99999;background:rgba(40,0,0,.92);color:#fff;overflow:auto;padding:24px 32px;" +
      "font:15px/1.7 system-ui,sans-serif";
    var html = "";
    if (built.length) {
      html += "<h2 style='margin:0 0 12px;font-size:20px'>稿件有 " + built.length +
        " 个错误，预览仍显示上一次成功的结果</h2><p>改正并保存文件后，此提示会自动消失。</p>" +
        "<ol style='padding-left:1.4em'>" + built.map(item).join("") + "</ol>";
    }
    if (inbox.length) {
      html += "<h2 id='site-builder-inbox' style='margin:0 0 12px;font-size:20px'>收件箱中有 " +
        inbox.length + " 个文件未能导入</h2>" +
        "<ol style='padding-left:1.4em'>" + inbox.map(item).join("") + "</ol>";
    }
    overlay.innerHTML = html;
    document.body.appendChild(overlay);
  }

  fetch(base + "status").then(function (r) { return r.json(); })
    .then(function (s) { built = s.problems || []; inbox = s.inbox || []; show(); })
    .catch(function () {});
  var events = new EventSource(base + "events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problems", function (e) { built = JSON.parse(e.data); show(); });
  events.addEventListener("inbox", function (e) { inbox = JSON.parse(e.data); show(); });
}());
