// Product search that ignores case and diacritics (đ counts as d), over search-index.json and its parts (ocop/search.py).
// The form works without this script (it is a GET form and the page links to the listings); with it,
// results follow each key press and the query and filters live in the URL (?q=mat+ong&stars=4).
(function () {
  "use strict";

  var MARKS = /\p{M}/gu;
  var NON_WORD = /[^\p{L}\p{N}]+/u;
  var WORD = /[\p{L}\p{N}]+/gu;
  var FIELDS = ["q", "stars", "group", "commune"];
  var PAGE_SIZE = 50;
  var SHORT = 3;
  // Points a query word earns in each field; a word must be found somewhere for the product to match.
  // Whole numbers: results are ranked by score, then in catalog (Vietnamese alphabetical) order.
  var TITLE = 10, TITLE_WORD = 3, META = 4, BODY = 1, PHRASE = 10, EXACT = 6;

  // The same fold as ocop/text.py: đ -> d, NFD, drop combining marks, lowercase.
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(MARKS, "").toLowerCase();
  }

  function words(text) {
    return fold(text).split(NON_WORD).filter(Boolean);
  }

  // " mat ong rung huu lien": words behind a space, so " " + prefix finds a word that starts with it.
  function hay(text) {
    return " " + words(text).join(" ");
  }

  function decodePostings(text, total) {
    var negated = text.charAt(0) === "!";
    var gaps = negated ? text.slice(1) : text;
    var ids = [], previous = -1;
    if (gaps) gaps.split(",").forEach(function (gap) { previous += Number(gap) + 1; ids.push(previous); });
    return { negated: negated, ids: Int32Array.from(ids), total: total };
  }

  // The loaded index: one record per product (from the parts named in "p"), and the body words with the
  // products that use them, in parts of consecutive words ("s": [first word, file]) loaded when a query needs them.
  function Index(data, rows, base) {
    var groups = data.g, communes = data.c;
    this.groups = groups;
    this.communes = communes;
    this.products = rows.map(function (row) {
      var tags = row[7] ? row[7].split("|") : [];
      var place = row[6] || communes[row[4]][1];
      var group = groups[row[3]][1];
      var meta = [row[5], place, group].concat(tags).join(" | ");
      return {
        slug: row[0], title: row[1], stars: row[2], group: groups[row[3]][0], commune: communes[row[4]][0],
        groupName: group, place: place, producer: row[5],
        titleHay: hay(row[1]), metaHay: hay(meta),
        titleLower: row[1].normalize("NFC").toLowerCase(), metaLower: meta.normalize("NFC").toLowerCase()
      };
    });
    this.shards = data.s.map(function (entry) {
      return { first: entry[0], url: new URL(entry[1], base).href, terms: null, postings: null, loading: null };
    });
    this.cache = new Map();  // body hits of recent query words: typing "mat ong" looks up "mat" once
  }

  // The parts that may hold body words starting with `prefix` (the word itself when it is shorter than SHORT):
  // the last part whose first word comes before it, and the next ones while their first word starts with it.
  Index.prototype.shardsFor = function (prefix) {
    var shards = this.shards, lo = 0, hi = shards.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (shards[mid].first <= prefix) lo = mid + 1; else hi = mid; }
    var found = [Math.max(0, lo - 1)];
    for (var j = found[0] + 1; prefix.length >= SHORT && j < shards.length && shards[j].first.lastIndexOf(prefix, 0) === 0; j++) found.push(j);
    return found;
  };

  // The parts that the query words need and that are not loaded yet.
  Index.prototype.missing = function (tokens) {
    var self = this, need = [];
    tokens.forEach(function (t) {
      self.shardsFor(t).forEach(function (s) { if (!self.shards[s].terms && need.indexOf(s) < 0) need.push(s); });
    });
    return need;
  };

  Index.prototype.load = function (numbers) {
    var self = this;
    return Promise.all(numbers.map(function (s) {
      var shard = self.shards[s];
      if (!shard.loading) {
        shard.loading = getJson(shard.url).then(function (data) {
          shard.postings = data.d.map(function (text) { return decodePostings(text, self.products.length); });
          shard.terms = data.w;
        }, function (error) { shard.loading = null; throw error; });
      }
      return shard.loading;
    }));
  };

  // Which products have a body word starting with `prefix` (1) or not (0); its parts must be loaded.
  Index.prototype.bodyHits = function (prefix) {
    var cached = this.cache.get(prefix);
    if (cached) return cached;
    if (this.cache.size > 64) this.cache.clear();
    var n = this.products.length, hits = new Uint8Array(n), self = this;
    this.shardsFor(prefix).forEach(function (s) {
      var terms = self.shards[s].terms, postings = self.shards[s].postings;
      var lo = 0, hi = terms.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < prefix) lo = mid + 1; else hi = mid; }
      // Short words ("na", "ga") would start too many body words: below SHORT letters the body word must be whole.
      var end = prefix.length < SHORT ? (terms[lo] === prefix ? lo + 1 : lo) : terms.length;
      for (var t = lo; t < end && terms[t].lastIndexOf(prefix, 0) === 0; t++) {
        var p = postings[t], ids = p.ids, i;
        if (p.negated) {
          var missing = new Uint8Array(n);
          for (i = 0; i < ids.length; i++) missing[ids[i]] = 1;
          for (i = 0; i < n; i++) if (!missing[i]) hits[i] = 1;
        } else {
          for (i = 0; i < ids.length; i++) hits[ids[i]] = 1;
        }
      }
    });
    this.cache.set(prefix, hits);
    return hits;
  };

  function getJson(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  // The index at `url` (search-index.json, asked again of the server each time: it names this build's parts)
  // with all its product rows.
  function loadIndex(url) {
    var base = new URL(url, location.href).href;
    return getJson(base, { cache: "no-cache" }).then(function (data) {
      return Promise.all(data.p.map(function (name) { return getJson(new URL(name, base).href); })).then(function (parts) {
        return new Index(data, [].concat.apply([], parts.map(function (part) { return part.p; })), base);
      });
    });
  }

  function passes(product, filters) {
    if (filters.stars && String(product.stars || "chua-xep-hang") !== filters.stars) return false;
    if (filters.group && product.group !== filters.group) return false;
    if (filters.commune && product.commune !== filters.commune) return false;
    return true;
  }

  // Products matching every word of the query (as a word prefix) and the filters, best first.
  Index.prototype.search = function (state) {
    var tokens = words(state.q || "");
    var filters = { stars: state.stars || "", group: state.group || "", commune: state.commune || "" };
    if (!tokens.length && !filters.stars && !filters.group && !filters.commune) return [];
    var self = this;
    var body = tokens.map(function (t) { return self.bodyHits(t); });
    var phrase = tokens.length > 1 ? " " + tokens.join(" ") : "";
    var raw = (state.q || "").normalize("NFC").toLowerCase().trim().replace(/\s+/g, " ");
    var exact = raw && raw !== fold(raw) ? raw : "";
    var buckets = [];  // products by score: scores are small whole numbers, so no sort is needed
    for (var i = 0; i < this.products.length; i++) {
      var p = this.products[i];
      if (!passes(p, filters)) continue;
      var score = 0, ok = true;
      for (var k = 0; k < tokens.length; k++) {
        var needle = " " + tokens[k], at = p.titleHay.indexOf(needle);
        if (at >= 0) {
          score += TITLE;
          var end = at + needle.length;
          if (end === p.titleHay.length || p.titleHay.charAt(end) === " ") score += TITLE_WORD;
        } else if (p.metaHay.indexOf(needle) >= 0) {
          score += META;
        } else if (body[k][i]) {
          score += BODY;
        } else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (phrase) {
        if (p.titleHay.indexOf(phrase) >= 0) score += PHRASE;
        else if (p.metaHay.indexOf(phrase) >= 0) score += PHRASE / 2;
      }
      if (exact) {
        if (p.titleLower.indexOf(exact) >= 0) score += EXACT;
        else if (p.metaLower.indexOf(exact) >= 0) score += EXACT / 2;
      }
      (buckets[score] || (buckets[score] = [])).push(p);
    }
    var found = [];
    for (var b = buckets.length - 1; b >= 0; b--) if (buckets[b]) found = found.concat(buckets[b]);
    return found;
  };

  // Split `text` into [plain, marked, plain, ...] pieces: the parts of words that start with a query word.
  // Positions in the folded text are mapped back to the original characters, so marks keep their diacritics.
  var charFolds = Object.create(null);  // fold() of single characters, met while highlighting

  function highlight(text, tokens) {
    var folded = "", from = [], to = [];
    var chars = Array.from(text), at = 0;
    chars.forEach(function (ch) {
      var f = charFolds[ch];
      if (f === undefined) f = charFolds[ch] = fold(ch);
      for (var j = 0; j < f.length; j++) { folded += f.charAt(j); from.push(at); to.push(at + ch.length); }
      if (!f.length && to.length) to[to.length - 1] = at + ch.length;  // a lone combining mark joins the letter before it
      at += ch.length;
    });
    var ranges = [], match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(folded)) !== null) {
      var best = 0;
      tokens.forEach(function (t) {
        if (t.length > best && match[0].lastIndexOf(t, 0) === 0) best = t.length;
      });
      if (best) ranges.push([from[match.index], to[match.index + best - 1]]);
    }
    var pieces = [], last = 0;
    ranges.forEach(function (r) {
      pieces.push(text.slice(last, r[0]), text.slice(r[0], r[1]));
      last = r[1];
    });
    pieces.push(text.slice(last));
    return pieces;
  }

  function marked(tag, className, text, tokens) {
    var node = document.createElement(tag);
    node.className = className;
    highlight(text, tokens).forEach(function (piece, i) {
      if (!piece) return;
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = piece;
        node.appendChild(mark);
      } else {
        node.appendChild(document.createTextNode(piece));
      }
    });
    return node;
  }

  function starsNode(stars, text) {
    var node = document.createElement("span");
    node.className = "s-stars";
    if (stars) {
      var icons = document.createElement("span");
      icons.className = "s-star-icons";
      icons.setAttribute("aria-hidden", "true");
      icons.textContent = "★★★★★".slice(0, stars) + "☆☆☆☆☆".slice(stars);
      node.appendChild(icons);
      node.appendChild(document.createTextNode(" " + text.starsLabel.replace("{n}", stars)));
    } else {
      node.appendChild(document.createTextNode(text.unranked));
    }
    return node;
  }

  function resultNode(p, tokens, linkBase, text, shelf) {
    var item = document.createElement("li");
    item.className = "s-item";
    var link = document.createElement("a");
    link.className = "s-link";
    link.href = linkBase + "san-pham/" + p.slug + "/";
    link.appendChild(marked("span", "s-title", p.title, tokens));
    link.appendChild(starsNode(p.stars, text));
    link.appendChild(marked("span", "s-meta", p.groupName + " · " + p.place, tokens));
    link.appendChild(marked("span", "s-meta", p.producer, tokens));
    if (shelf[p.slug]) {  // the kiosk: sold at the showroom's counter, as on its product cards
      var mark = document.createElement("span");
      mark.className = "k-card-shelf";
      mark.textContent = text.shelf;
      link.appendChild(mark);
    }
    item.appendChild(link);
    return item;
  }

  function readState(form) {
    var state = {};
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      state[name] = field ? String(field.value || "").trim() : "";
    });
    return state;
  }

  function stateFromUrl() {
    var params = new URLSearchParams(location.search), state = {};
    FIELDS.forEach(function (name) { state[name] = (params.get(name) || "").trim(); });
    return state;
  }

  function writeForm(form, state) {
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) field.value = state[name] || "";
    });
  }

  function urlFor(state) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function start(form) {
    var results = document.getElementById(form.getAttribute("data-results"));
    var status = document.getElementById(form.getAttribute("data-status"));
    var more = document.getElementById(form.getAttribute("data-more"));
    var browse = document.getElementById(form.getAttribute("data-browse"));
    var linkBase = form.getAttribute("data-link-base");
    var text = {
      count: form.getAttribute("data-t-count"), none: form.getAttribute("data-t-none"),
      error: form.getAttribute("data-t-error"), loading: form.getAttribute("data-t-loading"),
      starsLabel: form.getAttribute("data-t-stars"),
      unranked: form.getAttribute("data-t-unranked"), shelf: form.getAttribute("data-t-shelf")
    };
    var shelf = {};  // the kiosk's products sold at the counter, by slug
    (form.getAttribute("data-shelf") || "").split(" ").forEach(function (slug) { if (slug) shelf[slug] = true; });
    var index = null, shown = [], tokens = [], limit = PAGE_SIZE;
    var typing = false;  // the current history entry was made by typing: further key presses replace it

    function render() {
      results.textContent = "";
      var list = document.createDocumentFragment();
      shown.slice(0, limit).forEach(function (p) { list.appendChild(resultNode(p, tokens, linkBase, text, shelf)); });
      results.appendChild(list);
      if (more) more.hidden = shown.length <= limit;
    }

    var ticket = 0;  // the latest run: a run that waited for index parts shows its results only if still the latest

    function show() {
      var state = readState(form);
      var active = FIELDS.some(function (name) { return state[name]; });
      tokens = words(state.q);
      shown = index.search(state);
      limit = PAGE_SIZE;
      render();
      status.textContent = !active ? "" : shown.length ? text.count.replace("{n}", shown.length) : text.none;
      if (browse) browse.hidden = active;
      form.classList.remove("is-loading");
    }

    // Search now when the query's parts of the index are loaded, else once they are; a promise of the run.
    function run() {
      if (!index) return Promise.resolve();
      var mine = ++ticket, need = index.missing(words(readState(form).q));
      if (!need.length) { show(); return Promise.resolve(); }
      form.classList.add("is-loading");
      status.textContent = text.loading;
      return index.load(need).then(function () {
        if (mine === ticket) show();
      }, function () {
        if (mine === ticket) { status.textContent = text.error; form.classList.remove("is-loading"); }
      });
    }

    function remember(push) {
      var state = readState(form), url = urlFor(state);
      if (push && url !== location.pathname + location.search) history.pushState(state, "", url);
      else history.replaceState(state, "", url);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
      remember(!typing);
      typing = false;
    });
    form.addEventListener("input", function (event) {
      if (event.target.name !== "q") return;
      run();
      remember(!typing);
      typing = true;
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "q") { typing = false; return; }
      run();
      remember(true);
      typing = false;
    });
    window.addEventListener("popstate", function () {
      writeForm(form, stateFromUrl());
      typing = false;
      run();
    });
    if (more) more.addEventListener("click", function () { limit += PAGE_SIZE; render(); });

    writeForm(form, stateFromUrl());
    var state = readState(form);
    if (FIELDS.some(function (name) { return state[name]; })) status.textContent = text.loading;
    return loadIndex(form.getAttribute("data-index"))
      .then(function (loaded) {
        index = loaded;
        return run();
      })
      .then(function () { form.classList.add("is-ready"); })
      .catch(function () { status.textContent = text.error; });
  }

  window.ocopSearch = { fold: fold, words: words, highlight: highlight, Index: Index, loadIndex: loadIndex, ready: null };
  var form = document.querySelector("form[data-index]");
  if (form) window.ocopSearch.ready = start(form);
})();
