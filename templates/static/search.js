/* Search page: queries the Pagefind index written by site-builder.
   The index holds Chinese text as overlapping character bigrams; the query is turned
   into bigrams the same way (see site_builder/search.py), so unspaced phrases match. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.dataset.root || "";
  var indexUrl = new URL(script.dataset.index, document.baseURI).href;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var selects = { type: "search-type", department: "search-department", month: "search-month" };
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+/g;
  var pagefind = null;

  function bigrams(text) {
    var out = [];
    (text.match(RUN) || []).forEach(function (run) {
      if (CJK.test(run)) {
        if (run.length === 1) { out.push(run); }
        for (var i = 0; i + 1 < run.length; i++) { out.push(run.slice(i, i + 2)); }
      } else {
        out.push(run.toLowerCase());
      }
    });
    return out.join(" ");
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function terms(query) {
    return query.split(/\s+/).filter(Boolean).sort(function (a, b) { return b.length - a.length; });
  }

  /* About 90 characters around the first hit, with every query term marked. */
  function excerpt(text, query) {
    var words = terms(query);
    var at = -1;
    for (var i = 0; i < words.length && at < 0; i++) { at = text.indexOf(words[i]); }
    if (at < 0) {
      var pairs = bigrams(query).split(" ");
      for (var j = 0; j < pairs.length && at < 0; j++) { at = pairs[j] ? text.indexOf(pairs[j]) : -1; }
    }
    var start = Math.max(0, at - 30);
    var piece = text.slice(start, start + 90);
    var html = escapeHtml(piece);
    words.forEach(function (word) {
      html = html.split(escapeHtml(word)).join("<mark>" + escapeHtml(word) + "</mark>");
    });
    return (start > 0 ? "…" : "") + html + (start + 90 < text.length ? "…" : "");
  }

  function filters() {
    var out = {};
    Object.keys(selects).forEach(function (key) {
      var value = document.getElementById(selects[key]).value;
      if (value) { out[key] = value; }
    });
    return out;
  }

  function load() {
    if (pagefind) { return Promise.resolve(pagefind); }
    return import(indexUrl).then(function (module) {
      pagefind = module;
      return module;
    }, function (error) {
      status.textContent = location.protocol === "file:"
        ? "此浏览器不允许在直接从磁盘打开的页面中加载搜索索引，搜索无法使用。请通过内网网站地址访问本站；其他页面从磁盘打开均可正常浏览。"
        : "搜索索引加载失败（" + error.message + "），请稍后重试或联系管理员。";
      throw error;
    });
  }

  function render(query, results) {
    list.innerHTML = "";
    results.forEach(function (data) {
      var url = data.url;  // Pagefind resolves it against where pagefind.js was loaded
      var item = document.createElement("li");
      item.className = "search-result";
      item.innerHTML =
        '<h2 class="result-title"><a href="' + escapeHtml(url) + '">' + escapeHtml(data.meta.title) + "</a></h2>" +
        '<p class="meta"><span>' + escapeHtml(data.meta.date || "") + "</span><span>" +
        escapeHtml(data.meta.department || "") + '</span><span class="meta-type">' +
        escapeHtml(data.meta.type || "") + "</span></p>" +
        '<p class="result-excerpt">' + excerpt(data.meta.text || "", query) + "</p>";
      list.appendChild(item);
    });
  }

  function run() {
    var query = input.value.trim();
    var chosen = filters();
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    Object.keys(chosen).forEach(function (key) { params.set(key, chosen[key]); });
    if (location.protocol !== "file:") {
      history.replaceState(null, "", "?" + params.toString());
    }
    if (!query && !Object.keys(chosen).length) {
      list.innerHTML = "";
      status.textContent = "请输入关键词，或选择类型、单位、月份。";
      return;
    }
    status.textContent = "正在搜索……";
    load().then(function (pf) {
      return pf.search(query ? bigrams(query) : null, { filters: chosen });
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 50).map(function (r) { return r.data(); }))
        .then(function (data) {
          render(query, data);
          var total = search.results.length;
          status.textContent = total
            ? "找到 " + total + " 篇" + (total > 50 ? "，显示前 50 篇" : "") + "。"
            : "没有找到相关稿件。换一个词试试，或减少筛选条件。";
        });
    }).catch(function () { /* the status line already says why */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  Object.keys(selects).forEach(function (key) {
    document.getElementById(selects[key]).addEventListener("change", run);
  });
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  Object.keys(selects).forEach(function (key) {
    if (params.get(key)) { document.getElementById(selects[key]).value = params.get(key); }
  });
  if (input.value || Object.keys(filters()).length) {
    run();
  } else if (location.protocol === "file:") {
    load().catch(function () { /* say at once, not after the first search, that it can't work */ });
  }
}());
