/* Search page: full-text search over search/data/YYYY-MM.js, written by site-builder
   (site_builder/search.py).  Each file is loaded with a <script> tag, so search works
   from a web server and from files opened on disk alike, and calls siteSearch.add(month,
   rows) with rows of [url, title, date, department, type, month, extra words, text].

   Matching is on folded text, the same for the rows and the query (search.py: fold):
   each character NFKC-normalised, lower-cased, traditional → simplified by the table in
   search-fold.js, and only letters, digits and marks kept.  So 《》“”——, spaces,
   full-width letters and traditional characters never stand between a reader and a
   title.  Folding goes character by character, and remembers where each folded character
   came from, for the excerpt and the marks.

   Ranking: the whole query in the title, then in the text (or names, tags, department),
   then every piece of it (the query split at spaces and punctuation) somewhere apart, more
   of them in the title first; newer first within a rank.  One character matches titles only. */
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
  var labels = { type: "类型", department: "单位", month: "月份" };
  var SHOWN = 50;
  var loaded = {};   // month → rows
  var loading = {};  // month → promise
  var URL_ = 0, TITLE = 1, DATE = 2, DEPT = 3, TYPE = 4, MONTH = 5, EXTRA = 6, TEXT = 7;
  var IN_TITLE = 3, IN_TEXT = 2, APART = 1;

  window.siteSearch = {
    add: function (month, rows) { loaded[month] = rows; }
  };

  /* ------------------------------------------------------------------ folding */

  var table = new Map();
  (function () {
    var pairs = Array.from(window.siteSearchFold || "");
    for (var i = 0; i + 1 < pairs.length; i += 2) { table.set(pairs[i], pairs[i + 1]); }
  }());
  var KEEP = /^[\p{L}\p{N}\p{M}]$/u;
  var folded = new Map();

  function foldChar(char) {
    var out = folded.get(char);
    if (out === undefined) {
      out = "";
      Array.from(char.normalize("NFKC").toLowerCase()).forEach(function (c) {
        c = table.get(c) || c;
        if (KEEP.test(c)) { out += c; }
      });
      folded.set(char, out);
    }
    return out;
  }

  /* {text, from}: the folded text, and for each of its code units the index in `text`
     of the character it came from. */
  function fold(text) {
    var out = "", from = [];
    for (var at = 0; at < text.length;) {
      var code = text.codePointAt(at), size = code > 0xffff ? 2 : 1;
      var piece = foldChar(text.substr(at, size));
      out += piece;
      for (var k = 0; k < piece.length; k++) { from.push(at); }
      at += size;
    }
    return { text: out, from: from };
  }
  window.siteSearch.fold = function (text) { return fold(text).text; };  // for tests

  /* The query: the whole of it folded, and its pieces (split where folding drops a character). */
  function parse(query) {
    var pieces = [], current = "";
    for (var at = 0; at < query.length;) {
      var size = query.codePointAt(at) > 0xffff ? 2 : 1;
      var piece = foldChar(query.substr(at, size));
      if (piece) { current += piece; } else if (current) { pieces.push(current); current = ""; }
      at += size;
    }
    if (current) { pieces.push(current); }
    pieces = pieces.filter(function (p, i) { return pieces.indexOf(p) === i; });
    return { whole: pieces.join(""), pieces: pieces };
  }

  function length(text) { return Array.from(text).length; }

  /* ------------------------------------------------------------------ loading */

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

  /* ------------------------------------------------------------------ matching */

  function folds(row) {
    if (!row.folded) {
      row.folded = { title: fold(row[TITLE]), text: fold(row[TEXT]),
                     names: fold(row[EXTRA] + " " + row[DEPT]).text };
    }
    return row.folded;
  }

  /* IN_TITLE, IN_TEXT, APART, or 0 (no match). */
  function rank(row, query) {
    if (!query.whole) { return APART; }
    var f = folds(row);
    if (f.title.text.indexOf(query.whole) >= 0) { return IN_TITLE; }
    if (length(query.whole) < 2) { return 0; }  // one character: titles only
    if (f.text.text.indexOf(query.whole) >= 0 || f.names.indexOf(query.whole) >= 0) { return IN_TEXT; }
    var all = query.pieces.every(function (p) {
      return f.title.text.indexOf(p) >= 0 || f.text.text.indexOf(p) >= 0 || f.names.indexOf(p) >= 0;
    });
    if (!all || query.pieces.length < 2) { return 0; }
    var titled = query.pieces.filter(function (p) { return f.title.text.indexOf(p) >= 0; }).length;
    return APART + titled / (query.pieces.length + 1);  // more pieces in the title first
  }

  /* Where in `text` (folded as `f`) each of `words` occurs, as [start, end) of the source
     text, merged; only those inside [from, to) of the source. */
  function spans(text, f, words, from, to) {
    var out = [];
    words.forEach(function (word) {
      if (!word) { return; }
      for (var at = f.text.indexOf(word); at >= 0; at = f.text.indexOf(word, at + word.length)) {
        var start = f.from[at], last = f.from[at + word.length - 1];
        var end = last + (text.codePointAt(last) > 0xffff ? 2 : 1);
        if (start >= from && end <= to) { out.push([start, end]); }
      }
    });
    out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    out.forEach(function (s) {
      var top = merged[merged.length - 1];
      if (top && s[0] <= top[1]) { top[1] = Math.max(top[1], s[1]); } else { merged.push(s.slice()); }
    });
    return merged;
  }

  function marked(text, f, words, from, to) {
    var html = "", pos = from;
    spans(text, f, words, from, to).forEach(function (s) {
      html += escapeHtml(text.slice(pos, s[0])) + "<mark>" + escapeHtml(text.slice(s[0], s[1])) + "</mark>";
      pos = s[1];
    });
    return html + escapeHtml(text.slice(pos, to));
  }

  function words(query) {
    return query.pieces.length > 1 ? [query.whole].concat(query.pieces) : [query.whole];
  }

  /* About 90 characters of the text around the best hit (the whole query, else its longest
     piece), every piece marked; the text's beginning when the hit is in the title only. */
  function excerpt(row, query) {
    var text = row[TEXT], f = folds(row).text, at = -1;
    if (query.whole) {
      at = f.text.indexOf(query.whole);
      var longest = query.pieces.slice().sort(function (a, b) { return b.length - a.length; });
      for (var i = 0; i < longest.length && at < 0; i++) { at = f.text.indexOf(longest[i]); }
    }
    var start = at < 0 ? 0 : Math.max(0, f.from[at] - 30);
    var end = Math.min(text.length, start + 90);
    if (end < text.length && /[\udc00-\udfff]/.test(text.charAt(end))) { end += 1; }
    if (start > 0 && /[\udc00-\udfff]/.test(text.charAt(start))) { start -= 1; }
    var html = query.whole && length(query.whole) > 1 ? marked(text, f, words(query), start, end)
      : escapeHtml(text.slice(start, end));
    return (start > 0 ? "…" : "") + html + (end < text.length ? "…" : "");
  }

  /* ------------------------------------------------------------------ the page */

  function filters() {
    var out = {};
    Object.keys(selects).forEach(function (key) {
      var value = document.getElementById(selects[key]).value;
      if (value) { out[key] = value; }
    });
    return out;
  }

  function render(found, query) {
    list.innerHTML = "";
    found.slice(0, SHOWN).forEach(function (hit) {
      var row = hit.row;
      var title = row[TITLE], f = folds(row).title;
      var item = document.createElement("li");
      item.className = "search-result";
      item.innerHTML =
        '<h2 class="result-title"><a href="' + escapeHtml(root + row[URL_]) + '">' +
        (query.whole ? marked(title, f, words(query), 0, title.length) : escapeHtml(title)) + "</a></h2>" +
        '<p class="meta"><span>' + escapeHtml(row[DATE]) + "</span><span>" + escapeHtml(row[DEPT]) +
        '</span><span class="meta-type">' + escapeHtml(row[TYPE]) + "</span></p>" +
        '<p class="result-excerpt">' + excerpt(row, query) + "</p>";
      list.appendChild(item);
    });
  }

  /* Why nothing was found, and what to try instead. */
  function hint(query, chosen, rows) {
    var tips = [];
    var missing = query.pieces.filter(function (p) {
      return !rows.some(function (row) {
        var f = folds(row);
        return f.title.text.indexOf(p) >= 0 || f.text.text.indexOf(p) >= 0 || f.names.indexOf(p) >= 0;
      });
    });
    if (query.whole && length(query.whole) < 2) {
      tips.push("单个字只在标题中查找，多输入一两个字可查全文");
    } else if (missing.length && missing.length < query.pieces.length) {
      tips.push("「" + missing.join("」「") + "」没有出现在稿件中，可检查错别字或去掉它");
    } else if (query.pieces.length > 1 && !missing.length) {
      tips.push("「" + query.pieces.join("」「") + "」都有，但不在同一篇稿件中，可分开查找");
    } else {
      tips.push("可少输入几个字，只输入人名、单位或事件中的两三个字");
    }
    var narrowed = Object.keys(chosen).map(function (key) { return labels[key] + "「" + chosen[key] + "」"; });
    if (narrowed.length) { tips.push("已按" + narrowed.join("、") + "筛选，可改为全部再试"); }
    return "没有找到" + (query.whole ? "与「" + input.value.trim() + "」" : "") + "相关的稿件。" + tips.join("；") + "。";
  }

  function run() {
    var text = input.value.trim();
    var chosen = filters();
    var params = new URLSearchParams();
    if (text) { params.set("q", text); }
    Object.keys(chosen).forEach(function (key) { params.set(key, chosen[key]); });
    if (location.protocol !== "file:") {
      history.replaceState(null, "", "?" + params.toString());
    }
    var query = parse(text);
    if (!query.whole && !Object.keys(chosen).length) {
      list.innerHTML = "";
      status.textContent = "请输入关键词（人名、单位或标题中的几个字），或选择类型、单位、月份。";
      return;
    }
    var wanted = months.filter(function (m) { return !chosen.month || m.label === chosen.month; });
    status.textContent = "正在搜索……";
    Promise.all(wanted.map(load)).then(function (shards) {
      var found = [], seen = [];
      shards.forEach(function (rows) {
        rows.forEach(function (row) {
          seen.push(row);
          if ((chosen.type && row[TYPE] !== chosen.type) || (chosen.department && row[DEPT] !== chosen.department)) { return; }
          var points = rank(row, query);
          if (points) { found.push({ row: row, points: points }); }
        });
      });
      found.sort(function (a, b) {
        return b.points - a.points || (a.row[DATE] < b.row[DATE] ? 1 : a.row[DATE] > b.row[DATE] ? -1 : 0);
      });
      render(found, query);
      var inTitle = found.filter(function (hit) { return hit.points === IN_TITLE; }).length;
      status.textContent = found.length
        ? "找到 " + found.length + " 篇" + (query.whole && inTitle ? "，标题含「" + text + "」的 " + inTitle + " 篇排在前面" : "") +
          (found.length > SHOWN ? "，显示最相关的 " + SHOWN + " 篇" : "") + "。"
        : hint(query, chosen, seen);
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
