/* The site's search worker: Material's search box and result list, with this project's ranking.

   It answers Material's search messages as Material's own (lunr) worker does: SETUP (0) with the search
   index, answered READY (1); QUERY (2) with what the reader typed, answered RESULT (3) with the results
   grouped by page, each page's article and its sections, best first. The theme draws them; mkdocs.yml's
   theme override (overrides/main.html) points the theme at this file. No request leaves the site: offline,
   the index arrives in the SETUP message (the copy's search_index.js); online, SETUP says where the whole
   index is, and the worker fetches it from the site when the first query arrives (see indexReady below).

   Why not lunr: Material adds a large bonus to a page's opening over its sections and draws only the
   sections that score as high as a page's best, so a facet lost to its cause's opening; lunr has no
   synonyms, phrases or spelling correction. Here:
   - words are cut, folded and reduced as macros/kb/search.py cuts them (`words`): lower case, accents
     dropped, common words and single letters dropped, a plural's s (and -ies) removed;
   - the thesaurus (kb/thesaurus.yaml, in the index's config) is applied to every entry at query time:
     a query phrase that is a term or misspelling of a group matches any term of the group;
   - words typed without their apostrophe ("didnt", "cant") are read as with it;
   - a word not in the index, five letters or more, is read as the nearest indexed word (one slip, two
     from eight letters), unless it is an everyday word; a word search knows (the index's or the
     thesaurus's, where clinical words the KB does not cover are kept too) is never corrected, and a
     correction never adds or drops more than one letter ("palpitations" is not a slip for "palpation");
     the reader is told what was read ("Showing results for ..."), and which words the first result lacks;
     any word of three letters or more also matches the words it begins;
   - a body region's word may stand inside a thesaurus phrase ("how many hip injections"), and so may up
     to two words for the treatment itself, read with the phrase ("another cortisone jab" is "another jab");
   - each entry scores by its title, then its keywords (synonyms, conditions and regions), then its text,
     weighed by how rare the matched idea is (everyday words and body regions weigh less, words no entry
     has nothing), by how much of the query it covers, and by its page's search boost (glossary and
     references below facets and FAQ answers); a red flag that has what is wrong can come first, and one
     that names a symptom or sign the thesaurus marks red_flag ("fever") does: of those, the one the
     query's best facets point to; a number alone ("2 weeks") weighs as little as an everyday word;
   - a query naming two body regions between which pain is commonly referred ("knee jab did nothing, it's
     the hip") also asks about the thesaurus group that lists them as two_regions (referred pain), at half
     weight;
   - titles and two-line snippets are escaped here, plain text with only <mark> added: no KB string
     reaches the result list as markup. */
"use strict";

(function () {
  var TITLE = 6, KEYWORDS = 4;  // a field's weight against the text's 1
  var WEIGHTS = {title: TITLE, keywords: KEYWORDS, text: 1};
  var SNIPPET = 150;  // characters of text around the best match, about two lines on a phone
  var MAX_GROUPS = 30;
  var MAX_INSIDE = 1;  // body-region words a thesaurus phrase may hold ("steroid knee injection")
  var MAX_FILLER = 2;  // words for the treatment a thesaurus phrase may hold and take in ("another steroid jab")
  var MAX_WORDS = 16;  // words of a query read (a pasted paragraph is cut here, and to 200 characters)
  var SHOWN = 0.4, SHOWN_MAX = 2;  // see `search`: sections shown beside a page's best
  var PART = 0.2;  // a phrase's word found alone, against the phrase
  var SYNONYM = 0.85;  // another term of the group of what was typed, against the typed words
  var NEAR = 0.5, NEAR_WORDS = 8;  // query ideas close together in the text count up to 1 + NEAR times
  var CONTEXT = 0.5;  // a body region's word ("knee" in "knee still swollen") counts this much
  var VAGUE = 0.2;  // an everyday word ("getting", "much") counts this much
  var NAMED = 2;  // an entry whose title is all query words counts this much more (1 + NAMED times)
  // A red flag that has, in its own words, every telling word of the query (rarity TELLING or more) comes
  // first when it scores at least URGENT of the best: "left shoulder pain could be heart" opens on the flag
  // for heart, lung or abdominal disease, above the facet that scores higher.
  var URGENT = 0.6, TELLING = 2;
  var WORD = /[\p{L}\p{N}]+/gu;
  var COMBINING = /[\u0300-\u036f]/g;

  var state = null;

  function fold(word) {
    return word.normalize("NFKD").replace(COMBINING, "").toLowerCase();
  }

  // A word's common endings removed, as macros/kb/search.py's `reduce` does: a plural (-ies to -y, a final s
  // but not -ss, -us, -is), then -ing or -ed, then a final e ("placed", "place" and "places" all read "plac").
  function reduce(word) {
    if (!/^[a-z]+$/.test(word)) return word;
    if (word.length >= 5 && word.slice(-3) === "ies") word = word.slice(0, -3) + "y";
    else if (word.length >= 4 && word.slice(-1) === "s" && !/(?:ss|us|is)$/.test(word)) word = word.slice(0, -1);
    if (word.length >= 6 && word.slice(-3) === "ing") word = word.slice(0, -3);
    else if (word.length >= 5 && word.slice(-2) === "ed" && word.slice(-3) !== "eed") word = word.slice(0, -2);
    if (word.length >= 5 && word.slice(-1) === "e") word = word.slice(0, -1);
    return word;
  }

  // The words of a text that search counts, each with where it is in the text.
  function tokens(text, stop, dropped) {
    var found = [];
    WORD.lastIndex = 0;
    var match;
    while ((match = WORD.exec(text)) !== null) {
      var word = fold(match[0]);
      if (dropped && dropped.has(word)) word = dropped.get(word);
      if (stop.has(word) || (word.length === 1 && /[a-z]/.test(word))) continue;
      found.push({term: reduce(word), word: word, start: match.index, end: match.index + match[0].length});
    }
    return found;
  }

  var ENTITIES = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " "};

  function plain(html) {
    return String(html || "")
      .replace(/<[^>]*>/g, " ")
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
        if (name[0] === "#") {
          var code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : " ";
        }
        return Object.prototype.hasOwnProperty.call(ENTITIES, name.toLowerCase()) ? ENTITIES[name.toLowerCase()] : all;
      })
      .replace(/\s+/g, " ")
      .trim();
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function field(text, stop, dropped) {
    var list = tokens(text, stop, dropped);
    var positions = new Map();
    list.forEach(function (token, i) {
      var at = positions.get(token.term);
      if (at) at.push(i); else positions.set(token.term, [i]);
    });
    return {text: text, tokens: list, positions: positions};
  }

  function setup(data) {
    var config = data.config || {};
    var kb = config.kb || {};
    var stop = new Set(kb.stop || []);
    var dropped = new Map(Object.entries(kb.apostrophe_dropped || {}));
    var vocabulary = new Map();  // word -> number of documents that have it
    var pages = new Map();
    var surface = new Map();  // a word as search reads it ("plac") -> as a reader would write it ("place")
    var docs = (data.docs || []).map(function (raw) {
      var location = String(raw.location || "");
      var page = location.split("#")[0];
      var doc = {
        location: location,
        page: page,
        article: !pages.has(page),  // the theme's rule: a page's first document is its article
        boost: typeof raw.boost === "number" && raw.boost > 0 ? raw.boost : 1,
        fields: {
          title: field(plain(raw.title), stop, dropped),
          keywords: field(plain(raw.keywords), stop, dropped),
          text: field(plain(raw.text), stop, dropped)
        }
      };
      if (doc.article) pages.set(page, doc);
      var seen = new Set();
      Object.keys(doc.fields).forEach(function (name) {
        doc.fields[name].positions.forEach(function (_, term) { seen.add(term); });
      });
      seen.forEach(function (term) { vocabulary.set(term, (vocabulary.get(term) || 0) + 1); });
      doc.fields.text.tokens.forEach(function (t) { if (!surface.has(t.term)) surface.set(t.term, t.word); });
      return doc;
    });
    var total = 0;
    docs.forEach(function (doc) { total += doc.fields.text.tokens.length; });

    // The thesaurus: each term or misspelling, as words, leads to its group's terms.
    var phrases = new Map();  // first word -> [{words, group}]
    var elsewhere = null;  // the group a query naming two body regions implies (referred pain)
    var referral = new Set();  // "region region": pairs between which pain is commonly referred
    (kb.thesaurus || []).forEach(function (group) {
      var cut = function (term) { return tokens(String(term), stop, dropped).map(function (t) { return t.term; }); };
      var terms = (group.terms || []).map(cut).filter(function (w) { return w.length; });
      var all = terms.concat((group.misspellings || []).map(cut).filter(function (w) { return w.length; }));
      var entry = {terms: terms, sign: group.red_flag === true, name: String((group.terms || [""])[0])};
      (group.two_regions || []).forEach(function (pair) {
        if (!Array.isArray(pair) || pair.length !== 2) return;
        elsewhere = entry;
        referral.add(pair[0] + " " + pair[1]);
        referral.add(pair[1] + " " + pair[0]);
      });
      (group.terms || []).concat(group.misspellings || []).forEach(function (term) {
        tokens(String(term), stop, dropped).forEach(function (t) { if (!surface.has(t.term)) surface.set(t.term, t.word); });
      });
      all.forEach(function (words) {
        var list = phrases.get(words[0]);
        if (!list) phrases.set(words[0], list = []);
        list.push({words: words, group: entry});
        words.forEach(function (w) { if (!vocabulary.has(w)) vocabulary.set(w, 0); });
      });
    });

    state = {
      stop: stop, dropped: dropped, context: new Set(kb.context || []), vague: new Set(kb.vague || []),
      filler: new Set(kb.filler || []),
      urgent: new Set(kb.urgent || []), anywhere: new Set(kb.anywhere || []),
      flagFacets: new Map(Object.entries(kb.flag_facets || {})),
      regionOf: new Map(Object.entries(kb.region_of || {})), elsewhere: elsewhere, referral: referral,
      docs: docs, pages: pages, vocabulary: vocabulary, phrases: phrases, surface: surface,
      averageText: docs.length ? total / docs.length : 1
    };
  }

  // Damerau-Levenshtein distance, stopping early once it passes `limit`.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], row;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      row = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          value = Math.min(value, prev2[j - 2] + 1);
        row.push(value);
        if (value < best) best = value;
      }
      if (best > limit) return limit + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }

  // A word search knows: any word of the index or of the thesaurus (whose groups also keep clinical words no entry
  // uses, so that they are never read as another), or the beginning of an indexed word.
  function known(word) {
    if (state.vocabulary.has(word)) return true;
    if (word.length < 3) return false;
    var found = false;
    state.vocabulary.forEach(function (count, term) { if (!found && count > 0 && term.indexOf(word) === 0) found = true; });
    return found;
  }

  // A word the index does not know, read as the nearest word it does (the most common on a tie). A slip changes a
  // word's length by one letter at most: two letters more or fewer make another word, not a slip.
  function correct(word) {
    if (word.length < 5 || /\d/.test(word) || known(word)) return word;
    var limit = word.length >= 8 ? 2 : 1;
    var best = word, bestDistance = limit + 1, bestCount = -1;
    state.vocabulary.forEach(function (count, term) {
      if (term.length < 4 || Math.abs(term.length - word.length) > 1) return;
      var d = distance(word, term, limit);
      var weight = count + (state.phrases.has(term) ? 1 : 0);
      if (d < bestDistance || (d === bestDistance && weight > bestCount)) {
        best = term; bestDistance = d; bestCount = weight;
      }
    });
    return bestDistance <= limit ? best : word;
  }

  // The query as ideas: each a thesaurus phrase (longest first) with all its group's terms, or one word.
  function ideas(query) {
    var typed = tokens(query, state.stop, state.dropped).slice(0, MAX_WORDS);
    // Everyday words are taken as typed: "definition" is not a slip for "definitive".
    var words = typed.map(function (t) { return state.vague.has(t.term) ? t.term : correct(t.term); });
    var read = [];  // what the reader typed and what search read instead, as a reader would write it
    words.forEach(function (word, i) {
      if (word !== typed[i].term) read.push({typed: query.slice(typed[i].start, typed[i].end), as: state.surface.get(word) || word});
    });
    // Thesaurus phrases in the query, the longest first ("hip pain coming from the back" is "hip" and
    // "pain coming from the back", not "hip pain" and two words). A body region's words may stand inside a
    // phrase ("how many hip injections" holds "how many injections", and "hip" stays an idea of its own).
    var found = [];
    words.forEach(function (word, i) {
      (state.phrases.get(word) || []).forEach(function (phrase) {
        var at = [i], j = i + 1, skipped = 0, filled = 0;
        for (var k = 1; k < phrase.words.length; j++) {
          if (j >= words.length) return;
          if (words[j] === phrase.words[k]) { at.push(j); k++; }
          else if (state.context.has(words[j]) && skipped < MAX_INSIDE) skipped++;
          else if (state.filler.has(words[j]) && filled < MAX_FILLER) { at.push(j); filled++; }
          else return;
        }
        found.push({at: at, skipped: skipped, filled: filled, phrase: phrase});  // at: with fillers
      });
    });
    found.sort(function (a, b) {
      return b.at.length - a.at.length || a.skipped - b.skipped || a.filled - b.filled || a.at[0] - b.at[0];
    });
    var taken = words.map(function () { return null; });
    found.forEach(function (f) {
      if (f.at.some(function (k) { return taken[k]; })) return;
      f.at.forEach(function (k) { taken[k] = f; });
    });
    var list = [];
    words.forEach(function (word, i) {
      var phrase = taken[i];
      if (phrase && phrase.at[0] !== i) return;  // read with the phrase it belongs to
      var at = phrase ? phrase.at : [i];
      var best = phrase ? phrase.phrase : null;
      var own = best ? best.words : [word];  // a phrase's words as the thesaurus has them, without fillers
      // A misspelling of the thesaurus ("cortizone") is read as its group's first term, and the reader is told.
      if (best && !best.group.terms.some(function (t) { return t.join(" ") === own.join(" "); }))
        read.push({typed: query.slice(typed[at[0]].start, typed[at[at.length - 1]].end), as: best.group.name});
      var alternatives = best ? best.group.terms.map(function (term) { return {words: term, quality: SYNONYM}; }) : [];
      // The reader's own words count fully; the group's other terms a little less.
      alternatives = alternatives.filter(function (alt) { return alt.words.join(" ") !== own.join(" "); });
      alternatives.push({words: own, quality: 1});
      // A phrase's own words, one at a time, count for a little ("keyhole surgery" finds "surgery").
      if (own.length > 1) own.forEach(function (w) { alternatives.push({words: [w], quality: PART, part: true}); });
      list.push({
        typed: at.map(function (k) { return query.slice(typed[k].start, typed[k].end); }),
        alternatives: alternatives,
        context: own.every(function (w) { return state.context.has(w); }),
        // A number, alone or with its unit ("2 weeks", "3mo", "40mg"), says little about which entry is meant.
        vague: !best && (state.vague.has(word) || /^[0-9]/.test(word)),
        sign: !!best && best.group.sign,  // a symptom or sign that can mean a red flag ("fever", "jaw pain")
        group: best ? best.group : null,
        // The last word may be half typed; another matches the words it begins only if none is itself.
        prefix: !best && word.length >= 3 && (i === words.length - 1 || !(state.vocabulary.get(word) > 0))
      });
    });
    // Two body regions in one query between which pain is commonly referred ("knee jab did nothing, it's the
    // hip") suggest pain felt away from its source: the query also asks about referred pain, at CONTEXT
    // weight, unless it already names it.
    var places = [];
    list.forEach(function (idea) {
      if (idea.context && !idea.group) places.push(state.regionOf.get(idea.alternatives[0].words[0]) || []);
    });
    var apart = places.some(function (a, i) {
      return places.slice(i + 1).some(function (b) {
        return a.some(function (r) { return b.some(function (s) { return state.referral.has(r + " " + s); }); });
      });
    });
    if (apart && state.elsewhere && !list.some(function (idea) { return idea.group === state.elsewhere; })) {
      var implied = state.elsewhere.terms.map(function (term) { return {words: term, quality: SYNONYM}; });
      list.push({typed: [], alternatives: implied, context: false, implied: true, vague: false, sign: false,
                 prefix: false, group: state.elsewhere});
    }
    list.read = read;
    return list;
  }

  // Where an alternative (a word, or words in a row) is in a field: the token indexes it covers, and how well.
  function occurrences(f, words, prefix) {
    var hits = [];
    if (words.length === 1) {
      var exact = f.positions.get(words[0]);
      if (exact) exact.forEach(function (i) { hits.push({from: i, to: i, quality: 1}); });
      if (prefix) {
        f.positions.forEach(function (at, term) {
          if (term !== words[0] && term.indexOf(words[0]) === 0)
            at.forEach(function (i) { hits.push({from: i, to: i, quality: 0.7}); });
        });
      }
      return hits;
    }
    (f.positions.get(words[0]) || []).forEach(function (i) {
      for (var k = 1; k < words.length; k++) {
        var t = f.tokens[i + k];
        if (!t || t.term !== words[k]) return;
      }
      hits.push({from: i, to: i + words.length - 1, quality: 1});
    });
    return hits;
  }

  function saturate(count, length, average) {
    return count / (count + 0.6 * (0.5 + 0.5 * length / average));
  }

  function search(query) {
    if (!state) return {items: []};
    var list = ideas(String(query).slice(0, 200));
    if (!list.length) return {items: [], read: list.read || [], lacking: []};
    var docs = state.docs;
    var matches = docs.map(function () { return []; });  // per document, per idea: {score, hits}
    // Entries that have each idea; those with only part of a phrase ("joints" of "many joints") count PART.
    var frequency = list.map(function () { return 0; }), partly = list.map(function () { return 0; });
    list.forEach(function (idea, q) {
      docs.forEach(function (doc, d) {
        var score = 0, hits = {}, full = false;
        Object.keys(WEIGHTS).forEach(function (name) {
          var f = doc.fields[name];
          var best = 0, found = [];
          var length = name === "text" ? f.tokens.length : state.averageText;
          idea.alternatives.forEach(function (alt) {
            var at = occurrences(f, alt.words, idea.prefix && alt.words.length === 1);
            if (!at.length) return;
            var quality = 0;
            at.forEach(function (h) { quality = Math.max(quality, h.quality * alt.quality); h.part = alt.part; });
            if (!alt.part) full = true;
            best = Math.max(best, quality * saturate(at.length, length, state.averageText));
            found = found.concat(at);
          });
          if (found.length) hits[name] = found;
          score += WEIGHTS[name] * best;
        });
        // A red flag for any region (infection of any joint) fits a body region's word as if it named it.
        if (!score && idea.context && state.anywhere.has(doc.location))
          score = KEYWORDS * saturate(1, state.averageText, state.averageText);
        matches[d][q] = score > 0 ? {score: score, hits: hits} : null;
        if (full) frequency[q] += 1;
        if (score > 0) partly[q] += 1;
      });
    });
    frequency = frequency.map(function (n, q) { return n + PART * (partly[q] - n); });
    // How telling each idea is: near nothing for a word most entries use ("injection"), much for a rare one.
    // A word no entry has ("cant", a slip too far to correct) tells nothing about which entry is meant.
    var rarity = frequency.map(function (n, q) {
      if (!partly[q]) return 0;
      return Math.max(0.1, Math.log((docs.length - n + 0.5) / (n + 0.5))) *
        (list[q].context || list[q].implied ? CONTEXT : 1) *
        (list[q].vague ? VAGUE : 1);
    });
    var weight = rarity.reduce(function (a, b) { return a + b; }, 0) || 1;
    var scored = [];
    docs.forEach(function (doc, d) {
      var sum = 0, covered = 0;
      matches[d].forEach(function (m, q) {
        if (m) { sum += m.score * rarity[q]; covered += rarity[q]; }
      });
      var naming = matches[d].map(function (m, q) { return list[q].context ? null : m; });
      if (!covered) return;
      // An entry whose title is mostly what was asked for ("Corticosteroid" for "cortizone") comes first.
      var title = doc.fields.title.tokens.length;
      var named = title ? markedTokens(naming, "title", true).size / title : 0;
      var coverage = covered / weight;
      var near = nearness(matches[d].filter(function (m, q) { return rarity[q] > 0; }));
      scored.push({doc: doc, score: sum * (0.4 + 0.6 * coverage * coverage) * (1 + NAMED * named) * (1 + NEAR * near) * doc.boost,
                   matched: matches[d], urgent: state.urgent.has(doc.location) && telling(matches[d], list, rarity),
                   signs: state.urgent.has(doc.location) ? signs(matches[d], list) : 0});
    });
    scored.sort(function (a, b) { return b.score - a.score || (a.doc.location < b.doc.location ? -1 : 1); });
    var flag = scored.findIndex(function (e) { return e.urgent; });
    if (!(flag >= 0 && scored[flag].score >= URGENT * scored[0].score)) flag = signFlag(scored);
    // The flag takes the best score too: the theme's Enter key opens the result that scores highest.
    if (flag > 0) {
      var lifted = scored.splice(flag, 1)[0];
      lifted.score = scored[0].score;
      scored.unshift(lifted);
    }
    // A red flag opens the results only for a symptom or sign of the query that it names (a thesaurus group marked
    // red_flag), or for what it names in its title: a flag's passing mention of something everyday ("a bruise",
    // "flushing of the face is not an allergy") does not make it the answer.
    if (scored.length > 1 && state.urgent.has(scored[0].doc.location) && !scored[0].signs && !titled(scored[0], list)) {
      var answer = scored.findIndex(function (e) { return !state.urgent.has(e.doc.location); });
      if (answer > 0) {
        var first = scored.splice(answer, 1)[0];
        first.score = scored[0].score;
        scored.unshift(first);
      }
    }

    var groups = new Map();
    scored.forEach(function (entry) {
      var page = entry.doc.page;
      if (!groups.has(page)) {
        if (groups.size >= MAX_GROUPS) return;
        groups.set(page, []);
      }
      groups.get(page).push(item(entry, list));
    });
    // The theme shows a page's sections that score as high as its best and folds the rest under "N more on
    // this page". Sections nearly as good as the best (SHOWN of its score, up to SHOWN_MAX) are shown too:
    // they are given the best's score, which only decides what is folded.
    var items = [];
    groups.forEach(function (group, page) {
      var top = group[0].score, shown = 0;
      group.forEach(function (entry, i) {
        if (i > 0 && shown < SHOWN_MAX && entry.location.indexOf("#") >= 0 && entry.score >= SHOWN * top) {
          entry.score = top;
          shown += 1;
        }
      });
      var article = state.pages.get(page);
      if (article && !group.some(function (i) { return i.location === article.location; }))
        group.push(item({doc: article, score: 0, matched: list.map(function () { return null; })}, list));
      items.push(group);
    });
    // The words the reader typed that the first result does not have (not places, everyday words or numbers): a
    // sign that nothing here covers the whole question ("swollen calf today" before the KB had a calf entry).
    var lacking = [];
    if (scored.length) list.forEach(function (idea, q) {
      if (!idea.context && !idea.vague && !idea.implied && !scored[0].matched[q]) lacking.push(idea.typed.join(" "));
    });
    return {items: items, read: list.read, lacking: lacking};
  }

  // Whether an entry (a red flag) has every telling word of the query in its own words. Telling words say
  // what is wrong, not where: rare, and not among the entry's keywords (a red flag's keywords are the places
  // it concerns, "plantar fasciitis" among them).
  function telling(matched, list, rarity) {
    var asked = list.filter(function (idea, q) {  // not a place, and typed (not implied by two places)
      return !idea.context && !idea.implied && rarity[q] >= TELLING && !(matched[q] && matched[q].hits.keywords);
    });
    return asked.length > 0 && list.every(function (idea, q) {
      return asked.indexOf(idea) < 0 || (matched[q] && whole(matched[q]));
    });
  }

  // Of the red flags that name a symptom or sign of the query, the one that names most of them, then the one
  // the query fits best with the facets it points to ("hot swollen knee": infection of a joint, which the
  // facets on sterile technique, flares and crystals point to, before infection of a joint replacement);
  // -1 if none.
  function signFlag(scored) {
    var score = new Map();
    scored.forEach(function (e) { score.set(e.doc.location, e.score); });
    var best = -1, most = [0, 0];
    scored.forEach(function (e, i) {
      if (!e.signs) return;
      var support = e.score;
      (state.flagFacets.get(e.doc.location) || []).forEach(function (f) { support += score.get(f) || 0; });
      if (e.signs > most[0] || (e.signs === most[0] && support > most[1])) { most = [e.signs, support]; best = i; }
    });
    return best;
  }

  // How many symptoms or signs of the query that can mean a red flag (thesaurus groups marked red_flag) an
  // entry (a red flag) names in its own words.
  function signs(matched, list) {
    return list.filter(function (idea, q) { return idea.sign && matched[q] && whole(matched[q]); }).length;
  }

  // Whether an entry's title has a telling idea of the query (not a place or an everyday word): "myeloma" in
  // "Cancer in bone or soft tissue (metastasis, myeloma or primary tumour)".
  function titled(entry, list) {
    return list.some(function (idea, q) {
      var m = entry.matched[q];
      return !idea.context && !idea.vague && m && (m.hits.title || []).some(function (h) { return !h.part; });
    });
  }

  // Whether an idea was found as typed or as a term of its group (not a phrase's word alone, not a word's
  // beginning) in an entry's own words: its title or text.
  function whole(m) {
    return ["title", "text"].some(function (name) {
      return (m.hits[name] || []).some(function (h) { return !h.part && h.quality >= 1; });
    });
  }

  // The share of pairs of query ideas found close together (within NEAR_WORDS words) in an entry's text.
  function nearness(matched) {
    var places = [];
    matched.forEach(function (m) {
      if (!m || !m.hits.text) return;
      var at = m.hits.text.filter(function (h) { return !h.part; }).map(function (h) { return h.from; });
      if (at.length) places.push(at.sort(function (a, b) { return a - b; }));
    });
    var pairs = matched.length * (matched.length - 1) / 2;
    if (!pairs || places.length < 2) return 0;
    var close = 0;
    for (var a = 0; a < places.length; a++)
      for (var b = a + 1; b < places.length; b++) {
        var i = 0, j = 0, found = false;
        while (!found && i < places[a].length && j < places[b].length) {
          if (Math.abs(places[a][i] - places[b][j]) <= NEAR_WORDS) found = true;
          else if (places[a][i] < places[b][j]) i++; else j++;
        }
        if (found) close++;
      }
    return close / pairs;
  }

  // Text with the words at the given token indexes marked, escaped, cut to [from, to) characters.
  function highlight(f, marked, from, to) {
    var out = "", at = from;
    f.tokens.forEach(function (t, i) {
      if (!marked.has(i) || t.start < from || t.end > to) return;
      out += escapeHTML(f.text.slice(at, t.start)) + "<mark>" + escapeHTML(f.text.slice(t.start, t.end)) + "</mark>";
      at = t.end;
    });
    return out + escapeHTML(f.text.slice(at, to));
  }

  function markedTokens(matched, name, whole) {
    var marked = new Set();
    matched.forEach(function (m) {
      if (m && m.hits[name]) m.hits[name].forEach(function (h) {
        if (whole && h.part) return;
        for (var i = h.from; i <= h.to; i++) marked.add(i);
      });
    });
    return marked;
  }

  // About two lines of the text, where the most different query words are close together.
  function snippet(f, marked) {
    var text = f.text;
    if (!text) return "";
    var from = 0;
    if (marked.size) {
      var indexes = Array.from(marked).sort(function (a, b) { return a - b; });
      var best = -1;
      indexes.forEach(function (i) {
        var start = f.tokens[i].start, words = new Set();
        indexes.forEach(function (j) {
          var t = f.tokens[j];
          if (t.start >= start && t.end <= start + SNIPPET) words.add(t.term);
        });
        if (words.size > best) { best = words.size; from = start; }
      });
      var back = text.lastIndexOf(". ", from);
      from = back >= 0 && from - back <= 60 ? back + 2 : Math.max(0, text.lastIndexOf(" ", Math.max(0, from - 20)) + 1);
    }
    var to = Math.min(text.length, from + SNIPPET);
    if (to < text.length) {
      var space = text.lastIndexOf(" ", to);
      if (space > from + SNIPPET / 2) to = space;
    }
    return (from > 0 ? "… " : "") + highlight(f, marked, from, to) + (to < text.length ? " …" : "");
  }

  function item(entry, list) {
    var doc = entry.doc, terms = Object.create(null);  // keys are what the reader typed ("__proto__" too)
    list.forEach(function (idea, q) {
      idea.typed.forEach(function (word) { terms[word.toLowerCase()] = Boolean(entry.matched[q]); });
    });
    var title = doc.fields.title;
    return {
      location: doc.location,
      title: highlight(title, markedTokens(entry.matched, "title"), 0, title.text.length),
      text: snippet(doc.fields.text, markedTokens(entry.matched, "text")),
      score: entry.score,
      terms: terms
    };
  }

  // For the tests: the words search counts in a text (tests/browser/test_search_engine.py compares them with
  // macros/kb/search.py's `words`).
  self.kbSearchWords = function (text, stop, dropped) {
    var read = tokens(String(text), new Set(stop || []), new Map(Object.entries(dropped || {})));
    return read.map(function (t) { return t.term; });
  };

  // What search read and what the first result lacks, for the page's notice above the results
  // (docs/assets/results.js): the theme's own messages have no room for it.
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("kb-search") : null;

  // Online, SETUP brings no documents, only where the whole index is (search/kb-index.json, relative to the
  // site root, which is this file's folder's parent): it is fetched when the first query arrives (the page
  // asks the browser for it when the reader first opens the search box, docs/assets/search-notice.js, so it is
  // usually there already). Queries asked before it arrives are answered, in order, when it does; if it cannot
  // be fetched, each is answered with no results, the page is told (and says so, with the red flags' address),
  // and the next query tries again.
  var wholeIndex = null;  // the whole index's address, until it is set up
  var loading = null;  // its fetch, while under way

  function indexReady() {
    if (!wholeIndex) return Promise.resolve();
    if (!loading) {
      loading = fetch(wholeIndex, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (data) {
        setup(data);
        wholeIndex = null;
      });
      loading.catch(function () { loading = null; });  // the next query tries again
    }
    return loading;
  }

  function answer(query) {
    var data;
    try {
      data = search(query);
    } catch (error) {
      console.warn("Search failed:", error);
      data = {items: []};
    }
    postMessage({type: 3, data: {items: data.items}});
    if (channel) channel.postMessage({query: String(query), read: data.read || [], lacking: data.lacking || []});
  }

  addEventListener("message", function (event) {
    var message = event.data || {};
    if (message.type === 0) {
      var data = message.data || {};
      var kb = (data.config || {}).kb || {};
      if (typeof kb.index === "string" && !(data.docs || []).length) {
        wholeIndex = new URL(kb.index, new URL("../", self.location.href)).href;
      } else {
        wholeIndex = null;
        setup(data);
      }
      postMessage({type: 1});
    } else if (message.type === 2) {
      var query = message.data;
      if (wholeIndex && !String(query || "").trim()) {  // the theme asks with an empty box as it starts: no fetch for that
        postMessage({type: 3, data: {items: []}});
        return;
      }
      indexReady().then(function () { answer(query); }, function (error) {
        console.warn("Search could not load its index:", error);
        postMessage({type: 3, data: {items: []}});
        if (channel) channel.postMessage({query: String(query), failed: true});
      });
    }
  });
})();
