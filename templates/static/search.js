/* Search page: full-text search over the index site-builder writes (site_builder/search.py):

     search/index/NNN.js  siteSearch.shard(n, {token: lists}): posting lists, by token hash
     search/text/ID.js    siteSearch.text(id, rows): the rows of the entries with that id,
                          [url, title, date, department, type, month, extra words, text]

   Each file is loaded with a <script> tag, so search works from a web server and from files
   opened on disk alike.  A query loads the shards of its tokens (bigrams of the folded
   query, trigrams of Latin letters and digits, or for one character the character itself,
   which matches titles only), intersects their lists into candidates with an estimated
   rank, and then loads the text of the best candidates only, ten at a time, to verify each
   hit exactly (the same rank as before, on the folded text) and cut its excerpt.  The
   count is that of the candidates less those found not to match.  Ids are day number ×
   slots + a hash: higher is newer.

   Matching is on folded text, the same for the rows and the query (search.py: fold):
   each character NFKC-normalised, lower-cased, traditional → simplified by the table in
   search-fold.js, and only letters, digits and marks kept.  So 《》“”——, spaces,
   full-width letters and traditional characters never stand between a reader and a
   title.  Folding goes character by character, and remembers where each folded character
   came from, for the excerpt and the marks.

   Ranking: the whole query in the title, then in the text (or names, tags, department),
   then every piece of it (the query split at spaces and punctuation) somewhere apart, more
   of them in the title first; newer first within a rank.  One character, alone or as a
   piece, matches titles only. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.dataset.root || "";
  var index = JSON.parse(script.dataset.index || "{}");
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var selects = { type: "search-type", department: "search-department", month: "search-month" };
  var labels = { type: "类型", department: "单位", month: "月份" };
  var PAGE = 10;
  var CHECKS = 40;   // candidates verified per page at most: past it, what is verified is shown
  var shards = {};   // shard number → {token: lists}
  var texts = {};    // id → rows
  var loading = {};  // path → promise
  var URL_ = 0, TITLE = 1, DATE = 2, DEPT = 3, TYPE = 4, MONTH = 5, EXTRA = 6, TEXT = 7;
  var IN_TITLE = 3, IN_TEXT = 2, APART = 1;

  window.siteSearch = {
    shard: function (n, lists) { shards[n] = lists; },
    text: function (id, rows) { texts[id] = rows; }
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

  /* ------------------------------------------------------------------ the index */

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  Array.from(ALPHABET).forEach(function (c, i) { VALUE[c] = i; });

  /* The ids of one list (site_builder/postings.py): order k, 24 bits of the first id, then
     each gap less one in Exp-Golomb of order k, until the bits run out. */
  function decode(text) {
    var out = [];
    if (!text) { return out; }
    var k = VALUE[text[0]], size = (text.length - 1) * 6, bits = new Uint8Array(size);
    for (var c = 1; c < text.length; c++) {
      var v = VALUE[text[c]];
      for (var b = 0; b < 6; b++) { bits[(c - 1) * 6 + b] = (v >> (5 - b)) & 1; }
    }
    var at = 0;
    function read(n) {
      var value = 0;
      for (var i = 0; i < n; i++) { value = value * 2 + bits[at++]; }
      return value;
    }
    var id = read(24);
    out.push(id);
    for (;;) {
      var zeros = 0;
      while (at < size && !bits[at]) { zeros++; at++; }
      if (at >= size) { return out; }
      id += read(zeros + k + 1) - Math.pow(2, k) + 1;
      out.push(id);
    }
  }

  /* FNV-1a of the token's code points, modulo the number of shards (search.py: shard_of). */
  function shardOf(token) {
    var h = 0x811c9dc5;
    Array.from(token).forEach(function (c) { h = Math.imul(h ^ c.codePointAt(0), 0x01000193); });
    return (h >>> 0) % index.shards;
  }

  var present = (function () {
    var text = index.present || "", out = new Uint8Array(Math.ceil((index.shards || 0) / 8));
    var bits = "";
    Array.from(text).forEach(function (c) { bits += ("00000" + VALUE[c].toString(2)).slice(-6); });
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(bits.substr(i * 8, 8).padEnd(8, "0"), 2); }
    return out;
  }());

  window.siteSearch.decode = decode;  // for tests, as fold
  window.siteSearch.shardOf = function (token) { return shardOf(token); };

  function hasShard(n) { return (present[n >> 3] & (0x80 >> (n & 7))) !== 0; }
  function shardPath(n) { return "search/index/" + n.toString(16).padStart(3, "0") + ".js"; }
  function textPath(id) { return "search/text/" + id.toString(36) + ".js"; }

  /* Bigrams of folded text (by code point), and trigrams inside runs of Latin letters and
     digits (search.py: grams). */
  function grams(folded) {
    var chars = Array.from(folded), out = new Set();
    for (var i = 0; i + 1 < chars.length; i++) { out.add(chars[i] + chars[i + 1]); }
    (folded.match(/[0-9a-z]{3,}/g) || []).forEach(function (run) {
      for (var j = 0; j + 3 <= run.length; j++) { out.add(run.substr(j, 3)); }
    });
    return Array.from(out);
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = root + path + "?v=" + index.version;
        tag.onload = function () { tag.remove(); resolve(); };
        tag.onerror = function () {
          tag.remove();
          delete loading[path];
          reject(new Error(path));
        };
        document.head.appendChild(tag);
      });
    }
    return loading[path];
  }

  function loadShards(tokens) {
    var wanted = new Set();
    tokens.forEach(function (t) { var n = shardOf(t); if (hasShard(n)) { wanted.add(n); } });
    return Promise.all(Array.from(wanted).map(function (n) { return load(shardPath(n)); }));
  }

  var decoded = new Map();  // token → {all: Set, title: Set}

  function lists(token) {
    var found = decoded.get(token);
    if (!found) {
      var shard = shards[shardOf(token)] || {}, text = shard[token] || "", dot = text.indexOf(".");
      found = dot < 0 ? { all: new Set(decode(text)), title: new Set() }
        : { all: new Set(decode(text.slice(0, dot))), title: new Set(decode(text.slice(dot + 1))) };
      decoded.set(token, found);
    }
    return found;
  }

  /* The ids in every list of `tokens` (of kind "all" or "title"). */
  function meet(tokens, kind) {
    var sets = tokens.map(function (t) { return lists(t)[kind]; });
    sets.sort(function (a, b) { return a.size - b.size; });
    var out = new Set();
    if (!sets.length) { return out; }
    sets[0].forEach(function (id) {
      if (sets.every(function (s) { return s.has(id); })) { out.add(id); }
    });
    return out;
  }

  /* The tokens of the whole query and of each piece; a piece of one character is itself
     (it is looked up in titles). */
  function plan(query) {
    function of(text) { return length(text) > 1 ? grams(text) : text ? [text] : []; }
    var whole = of(query.whole), pieces = query.pieces.map(of), tokens = new Set(whole);
    pieces.forEach(function (p) { p.forEach(function (t) { tokens.add(t); }); });
    return { whole: whole, pieces: pieces, tokens: Array.from(tokens) };
  }

  /* Each piece's entries (for the hint): where all its tokens are (one character: titles). */
  function pieceSets(query, p) {
    return query.pieces.map(function (piece, i) { return meet(p.pieces[i], length(piece) > 1 ? "all" : "title"); });
  }

  /* id → the best rank the index allows (the rank verified on the text is never higher). */
  function estimates(query, p) {
    var out = new Map();
    var inTitle = meet(p.whole, "title");
    inTitle.forEach(function (id) { out.set(id, IN_TITLE); });
    if (length(query.whole) < 2) { return out; }
    meet(p.whole, "all").forEach(function (id) { if (!out.has(id)) { out.set(id, IN_TEXT); } });
    if (query.pieces.length < 2) { return out; }
    var sets = pieceSets(query, p);
    var titled = query.pieces.map(function (piece, i) { return meet(p.pieces[i], "title"); });
    sets.reduce(function (a, b) { return new Set(Array.from(a).filter(function (id) { return b.has(id); })); })
      .forEach(function (id) {
        if (out.has(id)) { return; }
        var n = titled.filter(function (s) { return s.has(id); }).length;
        out.set(id, APART + n / (query.pieces.length + 1));
      });
    return out;
  }

  /* The filters' tokens and the chosen month's range of ids. */
  function filterTokens(chosen) {
    var out = [];
    if (chosen.type) { out.push("#t" + chosen.type); }
    if (chosen.department) { out.push("#d" + chosen.department); }
    return out;
  }

  function monthRange() {
    var option = document.getElementById(selects.month).selectedOptions[0];
    var key = option && option.dataset.key;
    if (!key) { return null; }
    var epoch = Date.parse(index.epoch + "T00:00:00Z"), y = +key.slice(0, 4), m = +key.slice(5, 7);
    function day(month) { return Math.round((Date.UTC(y, month, 1) - epoch) / 864e5); }
    return [day(m - 1) * index.slots, day(m) * index.slots];
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
      return f.title.text.indexOf(p) >= 0 ||
        (length(p) > 1 && (f.text.text.indexOf(p) >= 0 || f.names.indexOf(p) >= 0));
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

  /* One search: the candidates in the order of their estimate, verified ten at a time. */
  function Search(query, chosen, order, estimate) {
    this.query = query;
    this.chosen = chosen;
    this.order = order;        // ids, best estimate first, newest first within it
    this.estimate = estimate;  // id → estimated rank
    this.next = 0;             // order[next…] are not verified yet
    this.hits = [];            // {row, points, id}, best first
    this.wanted = PAGE;
    this.budget = CHECKS;      // how far `next` may go before the page is shown
  }

  function better(a, b) { return b.points - a.points || b.id - a.id || (a.row[URL_] < b.row[URL_] ? -1 : 1); }

  Search.prototype.settled = function () {
    if (this.next >= this.order.length || this.next >= this.budget) { return true; }
    if (this.hits.length < this.wanted) { return false; }
    var last = this.hits[this.wanted - 1], id = this.order[this.next], est = this.estimate.get(id);
    return est < last.points || (est === last.points && id < last.id);
  };

  Search.prototype.verify = function (ids) {
    var self = this, chosen = this.chosen, month = this.month;
    ids.forEach(function (id) {
      (texts[id] || []).forEach(function (row) {
        if ((chosen.type && row[TYPE] !== chosen.type) || (chosen.department && row[DEPT] !== chosen.department) ||
            (month && row[MONTH] !== month)) { return; }
        var points = rank(row, self.query);
        if (points) { self.hits.push({ row: row, points: points, id: id }); }
      });
    });
    this.hits.sort(better);
  };

  /* Verify until the first `wanted` hits can no longer be beaten by an unverified candidate. */
  Search.prototype.fill = function () {
    var self = this;
    if (this.settled()) { return Promise.resolve(); }
    var batch = this.order.slice(this.next, this.next + PAGE);
    this.next += batch.length;
    return Promise.all(batch.map(function (id) { return load(textPath(id)); })).then(function () {
      self.verify(batch);
      return self.fill();
    });
  };

  Search.prototype.count = function () { return this.order.length - this.next + this.hits.length; };

  Search.prototype.inTitle = function () {
    var n = this.hits.filter(function (h) { return h.points === IN_TITLE; }).length;
    for (var i = this.next; i < this.order.length; i++) {
      if (this.estimate.get(this.order[i]) === IN_TITLE) { n++; }
    }
    return n;
  };

  function render(search) {
    var query = search.query;
    list.innerHTML = "";
    search.hits.slice(0, search.wanted).forEach(function (hit) {
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
    var shown = Math.min(search.wanted, search.hits.length);
    if (search.count() > shown) {
      var more = document.createElement("li");
      more.className = "search-more";
      more.innerHTML = '<button type="button">显示更多结果</button>';
      more.querySelector("button").addEventListener("click", function () {
        search.wanted = Math.min(search.hits.length, search.wanted) + PAGE;
        search.budget = search.next + CHECKS;
        status.textContent = "正在搜索……";
        search.fill().then(function () { show(search); }, failed);
      });
      list.appendChild(more);
    }
  }

  /* Why nothing was found, and what to try instead. */
  function hint(query, chosen, sets) {
    var tips = [];
    var missing = query.pieces.filter(function (p, i) { return !sets[i].size; });
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

  var current = null;  // the search on the page; an older one that finishes late is dropped

  /* The count is of the candidates less those found not to match; when the page had to be
     shown before every better candidate was verified, the unverified ones are said apart. */
  function show(search) {
    if (search !== current) { return; }
    render(search);
    var total = search.count(), shown = Math.min(search.wanted, search.hits.length);
    var unsure = search.hits.length < search.wanted ? search.order.length - search.next : 0;
    var inTitle = search.query.whole ? search.inTitle() : 0;
    if (unsure && search.hits.length) {
      status.textContent = "找到 " + search.hits.length + " 篇；另有 " + unsure + " 篇含有这些字，尚未核对，可点“显示更多结果”继续查找。";
    } else if (unsure) {
      status.textContent = "已核对 " + search.next + " 篇，还没有找到完全相符的；另有 " + unsure + " 篇含有这些字，可点“显示更多结果”继续查找。";
    } else {
      status.textContent = total
        ? "找到 " + total + " 篇" + (inTitle ? "，标题含「" + input.value.trim() + "」的 " + inTitle + " 篇排在前面" : "") +
          (total > shown ? "，显示最相关的 " + shown + " 篇" : "") + "。"
        : hint(search.query, search.chosen, search.sets);
    }
  }

  function failed(error) {
    status.textContent = "搜索数据加载失败（" + error.message + "），请刷新页面重试或联系管理员。";
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
      current = null;
      list.innerHTML = "";
      status.textContent = "请输入关键词（人名、单位或标题中的几个字），或选择类型、单位、月份。";
      return;
    }
    var p = plan(query), narrow = filterTokens(chosen), range = monthRange();
    if (!query.whole && !narrow.length) { narrow = ["#all"]; }
    var search = current = new Search(query, chosen, [], new Map());
    search.month = chosen.month ? document.getElementById(selects.month).selectedOptions[0].dataset.key : "";
    status.textContent = "正在搜索……";
    loadShards(p.tokens.concat(narrow)).then(function () {
      var estimate = new Map();
      if (query.whole) {
        estimate = estimates(query, p);
      } else {
        meet(narrow, "all").forEach(function (id) { estimate.set(id, APART); });
      }
      var allowed = narrow.length && query.whole ? meet(narrow, "all") : null;
      var order = Array.from(estimate.keys()).filter(function (id) {
        return (!allowed || allowed.has(id)) && (!range || (id >= range[0] && id < range[1]));
      });
      order.sort(function (a, b) { return estimate.get(b) - estimate.get(a) || b - a; });
      search.order = order;
      search.estimate = estimate;
      search.sets = pieceSets(query, p);
      return search.fill();
    }).then(function () { show(search); }, function (error) { if (search === current) { failed(error); } });
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
