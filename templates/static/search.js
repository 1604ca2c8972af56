/* Search page: full-text search over search/data/YYYY-MM.js, written by site-builder
   (site_builder/search.py).  Each file is loaded with a <script> tag, so search works
   from a web server and from files opened on disk alike, and calls siteSearch.add(month,
   rows) with rows of [url, title, date, department, type, month, extra words, text].
   Every query word must occur in the entry as written (a substring: an unspaced Chinese
   phrase needs no word segmentation); Latin letters match regardless of case. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.dataset.root || "";
  var months = JSON.parse(script.dataset.months || "[]");  // newest first
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var selects = { type: "search-type", department: "search-department", month: "search-month" };
  var SHOWN = 50;
  var loaded = {};   // month → rows
  var loading = {};  // month → promise
  var URL_ = 0, TITLE = 1, DATE = 2, DEPT = 3, TYPE = 4, MONTH = 5, EXTRA = 6, TEXT = 7;

  window.siteSearch = {
    add: function (month, rows) { loaded[month] = rows; }
  };

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function load(month) {
    if (loaded[month.month]) { return Promise.resolve(loaded[month.month]); }
    if (!loading[month.month]) {
      loading[month.month] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = root + month.src;
        tag.onload = function () {
          if (loaded[month.month]) { resolve(loaded[month.month]); } else { reject(new Error(month.src)); }
        };
        tag.onerror = function () {
          delete loading[month.month];
          reject(new Error(month.src));
        };
        document.head.appendChild(tag);
      });
    }
    return loading[month.month];
  }

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function count(haystack, word) {
    var n = 0;
    for (var at = haystack.indexOf(word); at >= 0; at = haystack.indexOf(word, at + word.length)) { n++; }
    return n;
  }

  /* 0 when some word is missing; otherwise higher for words in the title and names. */
  function score(row, terms) {
    if (!terms.length) { return 1; }
    if (row.lower === undefined) {
      row.lower = [row[TITLE], row[EXTRA], row[DEPT], row[TEXT]].map(function (s) { return s.toLowerCase(); });
    }
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var title = count(row.lower[0], terms[i]), extra = count(row.lower[1], terms[i]);
      var dept = count(row.lower[2], terms[i]), text = count(row.lower[3], terms[i]);
      if (!(title || extra || dept || text)) { return 0; }
      total += title * 20 + extra * 10 + dept * 3 + Math.min(text, 10);
    }
    return total;
  }

  /* About 90 characters of the body around the first hit, with every query word marked. */
  function excerpt(row, terms) {
    var text = row[TEXT], lower = row.lower ? row.lower[3] : text.toLowerCase(), at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) { at = lower.indexOf(terms[i]); }
    var start = Math.max(0, at - 30);
    var piece = text.slice(start, start + 90);
    var html = "", lowerPiece = piece.toLowerCase(), pos = 0;
    while (pos < piece.length) {
      var hit = null;
      for (var j = 0; j < terms.length; j++) {
        if (terms[j] && lowerPiece.substr(pos, terms[j].length) === terms[j]
            && (!hit || terms[j].length > hit.length)) { hit = terms[j]; }
      }
      if (hit) {
        html += "<mark>" + escapeHtml(piece.substr(pos, hit.length)) + "</mark>";
        pos += hit.length;
      } else {
        html += escapeHtml(piece.charAt(pos));
        pos += 1;
      }
    }
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

  function render(found, terms) {
    list.innerHTML = "";
    found.slice(0, SHOWN).forEach(function (hit) {
      var row = hit.row;
      var item = document.createElement("li");
      item.className = "search-result";
      item.innerHTML =
        '<h2 class="result-title"><a href="' + escapeHtml(root + row[URL_]) + '">' + escapeHtml(row[TITLE]) + "</a></h2>" +
        '<p class="meta"><span>' + escapeHtml(row[DATE]) + "</span><span>" + escapeHtml(row[DEPT]) +
        '</span><span class="meta-type">' + escapeHtml(row[TYPE]) + "</span></p>" +
        '<p class="result-excerpt">' + excerpt(row, terms) + "</p>";
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
    var terms = words(query);
    var wanted = months.filter(function (m) { return !chosen.month || m.label === chosen.month; });
    status.textContent = "正在搜索……";
    Promise.all(wanted.map(load)).then(function (shards) {
      var found = [];
      shards.forEach(function (rows) {
        rows.forEach(function (row) {
          if ((chosen.type && row[TYPE] !== chosen.type) || (chosen.department && row[DEPT] !== chosen.department)) { return; }
          var points = score(row, terms);
          if (points) { found.push({ row: row, points: points }); }
        });
      });
      found.sort(function (a, b) {
        return b.points - a.points || (a.row[DATE] < b.row[DATE] ? 1 : a.row[DATE] > b.row[DATE] ? -1 : 0);
      });
      render(found, terms);
      status.textContent = found.length
        ? "找到 " + found.length + " 篇" + (found.length > SHOWN ? "，显示最相关的 " + SHOWN + " 篇" : "") + "。"
        : "没有找到相关稿件。换一个词试试，或减少筛选条件。";
    }, function (error) {
      status.textContent = "搜索数据加载失败（" + error.message + "），请刷新页面重试或联系管理员。";
    });
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
  if (input.value || Object.keys(filters()).length) { run(); }
}());
