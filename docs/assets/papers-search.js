// Search over the Pagefind index that the `papers` plugin builds from the paper pages:
// a box in the header, the search page with facets (AND across filters, NOT to exclude a
// value, a range of years, results sorted by relevance, date or title, state kept in the URL),
// and a filter box on topic pages.
(function () {
  "use strict";
  const ROOT = new URL("..", document.currentScript.src);  // this file lives in <site>/assets/
  const FACETS = [["topic", "Topic"], ["year", "Year"], ["venue", "Venue"], ["tag", "Tag"], ["author", "Author"]];
  const PAGE_SIZE = 20;
  const FIRST_BATCH = 5;
  const SHOWN_VALUES = 8;
  const MAX_VALUES = 50;
  const EXCERPT_WORDS = 30;
  // the sort keys are written by generator/searchdata.py (data-pagefind-sort)
  const SORTS = [["", "Relevance"], ["newest", "Newest first"], ["oldest", "Oldest first"],
    ["title", "Title A–Z"]];
  const SORT_BY = { newest: { date: "desc" }, oldest: { date: "asc" }, title: { title: "asc" } };
  const WIDE = "(min-width: 45em)";  // below it the facets sit above the results
  const MAGNIFIER = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"'
    + ' focusable="false"><path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79'
    + 'l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1'
    + ' 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>';
  let years = [];  // every year the index holds, for a range of years
  let pagefind = null;
  // The index holds some characters of a filter value percent-encoded ("%", '"', "\\", controls,
  // an "&" that could start an entity): Pagefind finds no value whose JSON form has escapes, and
  // decodes entities twice. Values are shown decoded, and filtered by the text the index holds:
  // `indexed` maps a facet's decoded values back to it (generator/searchdata.py writes them).
  const indexed = {};

  function shownValue(name, value) {
    if (!value.includes("%")) return value;
    let shown = value;
    try { shown = decodeURIComponent(value); } catch (err) { /* not encoded: shown as it is */ }
    (indexed[name] = indexed[name] || new Map()).set(shown, value);
    return shown;
  }

  function shownCounts(counts) {
    const shown = {};
    for (const [name, values] of Object.entries(counts || {})) {
      const entries = Object.entries(values).map(([value, n]) => [shownValue(name, value), n]);
      shown[name] = Object.fromEntries(entries);
    }
    return shown;
  }

  function indexValue(name, value) {
    return (indexed[name] && indexed[name].get(value)) ?? value;
  }

  function searchPage() {
    const meta = document.querySelector('meta[name="papers-search-page"]');
    return new URL(meta ? meta.content : "search/", ROOT);
  }

  // Two Pagefind instances over the same index: `plain` finds and ranks results and never loads
  // the filter index; `faceted` counts facet values and applies filters. Pagefind counts every
  // loaded filter value against every result, which at 100,000 papers takes far longer than the
  // search itself, so results never wait for counts. A big index comes in parts (parts.json).
  function loadPagefind() {
    if (!pagefind) {
      pagefind = (async () => {
        const module = await import(new URL("pagefind/pagefind.js", ROOT).href);
        // one tag for both instances: Pagefind asks for its entry file with a fresh tag each time
        // (?ts=now), so without it the browser fetched the file once per instance
        const options = { baseUrl: ROOT.pathname, excerptLength: 24, metaCacheTag: String(Date.now()) };
        let parts = [];
        const listed = await fetch(new URL("pagefind/parts.json", ROOT)).catch(() => null);
        if (listed && listed.ok) parts = await listed.json();
        const open = async () => {
          const instance = module.createInstance(options);
          await instance.init();
          await Promise.all(parts.map(part => instance.mergeIndex(new URL("pagefind/" + part, ROOT).pathname, options)));
          return instance;
        };
        const plain = await open();
        let faceted = null;
        // the filter index is loaded once, up front: Pagefind counts only the filters it has loaded
        // (and its values learnt, so that a value from the address is filtered by its indexed text)
        const withFilters = async () => {
          const instance = await open();
          const all = await instance.filters();
          shownCounts(all);
          years = Object.keys(all.year || {});
          return instance;
        };
        return { plain, faceted: () => (faceted = faceted || withFilters()) };
      })();
      pagefind.catch(() => { pagefind = null; });
    }
    return pagefind;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  // Pagefind's excerpt is the page text with <mark> around matches: keep only the marks.
  function safeExcerpt(html) {
    const holder = element("span");
    const parts = String(html).split(/(<mark>|<\/mark>)/);
    let current = holder;
    for (const part of parts) {
      if (part === "<mark>") { current = holder.appendChild(element("mark")); continue; }
      if (part === "</mark>") { current = holder; continue; }
      const decoder = document.createElement("textarea");  // its content is text: nothing in it runs
      decoder.innerHTML = part;
      current.append(decoder.value);
    }
    return holder;
  }

  // The excerpt quotes the abstract: the words of the page's "Abstract" section (Pagefind gives the
  // page's text, the word positions of its headings and of the words found), around the most
  // words found there, or its start when none is (a match in the title or the authors is shown
  // by the result's title and byline). Pagefind's own excerpt would quote the words found
  // anywhere: the title, authors, venue, topics and tags run together before the abstract.
  function abstractExcerpt(data) {
    const anchors = data.anchors || [];
    const at = anchors.findIndex(anchor => anchor.id === "abstract");
    if (at < 0 || typeof data.raw_content !== "string") return safeExcerpt(data.excerpt || "");
    const words = data.raw_content.split(/\s+/);
    const heading = String(anchors[at].text || "").split(/\s+/).filter(Boolean);
    const start = anchors[at].location + heading.length;
    const next = anchors.find(anchor => anchor.location > anchors[at].location);
    const end = Math.min(words.length, next ? next.location : words.length);
    const found = new Set((data.locations || []).filter(n => n >= start && n < end));
    let from = start;
    let best = -1;
    for (const n of found) {
      const before = n - Math.floor(EXCERPT_WORDS / 4);
      const first = Math.max(start, Math.min(before, end - EXCERPT_WORDS));
      const count = [...found].filter(m => m >= first && m < first + EXCERPT_WORDS).length;
      if (count > best) { best = count; from = first; }
    }
    const holder = element("span");
    if (from > start) holder.append("… ");
    const to = Math.min(end, from + EXCERPT_WORDS);
    for (let n = from; n < to; n++) {
      const word = found.has(n) ? element("mark", { text: words[n] }) : words[n];
      holder.append(word, n + 1 < to ? " " : "");
    }
    if (to < end) holder.append(" …");
    return holder;
  }

  // ---- header box -------------------------------------------------------------------------
  function headerBox() {
    const header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".papers-header-search")) return;
    const input = element("input", { type: "search", name: "q", placeholder: "Search papers", "aria-label": "Search papers", autocomplete: "off" });
    // on a phone a field would cut the site's name to a few letters: a magnifier leads to the
    // search page instead
    const icon = element("a", { class: "papers-header-search__icon md-header__button",
      href: searchPage().href, "aria-label": "Search papers", title: "Search papers" });
    icon.innerHTML = MAGNIFIER;
    const form = element("form", { class: "papers-header-search", role: "search",
      "aria-label": "Site", action: searchPage().href }, input, icon);
    const current = new URLSearchParams(location.search).get("q");
    if (current && location.pathname === searchPage().pathname) input.value = current;
    const before = header.querySelector(".md-header__source");
    header.insertBefore(form, before);
  }

  // ---- search page ------------------------------------------------------------------------
  function readState() {
    const params = new URLSearchParams(location.search);
    const state = { q: params.get("q") || "", include: {}, exclude: {}, expanded: new Set() };
    state.sort = SORT_BY[params.get("sort")] ? params.get("sort") : "";
    state.from = yearText(params.get("from"));
    state.to = yearText(params.get("to"));
    for (const [name] of FACETS) {
      state.include[name] = params.getAll(name);
      state.exclude[name] = params.getAll("not-" + name);
    }
    return state;
  }

  function writeState(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort) params.set("sort", state.sort);
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    for (const [name] of FACETS) {
      for (const value of state.include[name]) params.append(name, value);
      for (const value of state.exclude[name]) params.append("not-" + name, value);
    }
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function pagefindFilters(state) {
    const filters = {};
    const excluded = [];
    for (const [name] of FACETS) {
      const chosen = state.include[name].map(value => indexValue(name, value));
      if (chosen.length) filters[name] = { all: chosen };
      for (const value of state.exclude[name]) excluded.push({ [name]: indexValue(name, value) });
    }
    if (excluded.length) filters.none = excluded;
    if (state.from || state.to) {
      const inRange = years.filter(year => (!state.from || +year >= +state.from)
        && (!state.to || +year <= +state.to));
      // no year in the range: a value no page has, so that nothing is found
      filters.all = [{ year: { any: inRange.length ? inRange : ["\u0000"] } }];
    }
    return filters;
  }

  function chosenCount(state) {
    const values = FACETS.reduce(
      (n, [name]) => n + state.include[name].length + state.exclude[name].length, 0);
    return values + (state.from || state.to ? 1 : 0);
  }

  function active(state) {
    return chosenCount(state) > 0;
  }

  function yearText(value) {
    const text = String(value || "").trim();
    return /^\d{1,4}$/.test(text) ? text : "";
  }

  function sortOptions(state) {
    return SORT_BY[state.sort] ? { sort: SORT_BY[state.sort] } : {};
  }

  function toggle(list, value) {
    const at = list.indexOf(value);
    if (at >= 0) list.splice(at, 1); else list.push(value);
  }

  function facetDetails(label, attributes, ...children) {
    const summary = element("summary", { text: label, "data-key": "summary " + label });
    return element("details", { class: "papers-facet", ...attributes }, summary, ...children);
  }

  // Redrawing the facets replaces every control: the one that had focus is found again by its
  // key (what it does, to which facet and value), or else the heading of its facet.
  function focusedKey(facets) {
    const node = document.activeElement;
    return node && facets.contains(node) && node.dataset.key ? [node.dataset.key, node.closest("details")] : null;
  }

  function refocus(facets, focused) {
    if (!focused) return;
    const [key, group] = focused;
    const controls = Array.from(facets.querySelectorAll("[data-key]"));
    const same = controls.find(node => node.dataset.key === key && node.offsetParent !== null);
    const label = group && group.querySelector("summary").dataset.key;
    const heading = controls.find(node => node.dataset.key === label);
    if (same || heading) (same || heading).focus();
  }

  function facetGroup(state, name, label, counts, rerun) {
    const values = Object.entries(counts || {});
    const chosen = new Set([...state.include[name], ...state.exclude[name]]);
    values.sort((a, b) => (chosen.has(b[0]) - chosen.has(a[0])) || (b[1] - a[1]) || a[0].localeCompare(b[0]));
    if (name === "year") values.sort((a, b) => (chosen.has(b[0]) - chosen.has(a[0])) || b[0].localeCompare(a[0]));
    const found = values.filter(([value, count]) => count > 0 || chosen.has(value));
    if (!found.length) {  // kept, not dropped: the facets above the results on a phone keep their height
      const none = element("ul", { class: "papers-facet__values" }, element("li", { class: "papers-facet__rest", text: "None among these papers" }));
      return facetDetails(label, { class: "papers-facet is-empty" }, none);
    }
    // a facet of thousands of authors would cost more to draw than the search: the most frequent ones
    const shown = found.filter(([value], index) => index < MAX_VALUES || chosen.has(value));
    const list = element("ul", { class: "papers-facet__values" });
    shown.forEach(([value, count], index) => {
      const included = state.include[name].includes(value);
      const excluded = state.exclude[name].includes(value);
      const include = element("button", { type: "button", class: "papers-facet__value", "aria-pressed": String(included), "data-facet": name, "data-value": value, "data-key": ["in", name, value].join("\u0000") },
        element("span", { class: "papers-facet__label", text: value }), " ", element("span", { class: "papers-facet__count", text: String(count) }));
      include.addEventListener("click", () => { toggle(state.include[name], value); state.exclude[name] = state.exclude[name].filter(v => v !== value); rerun(); });
      // the name starts with the word it shows ("not"), so that speaking it works as a command
      const exclude = element("button", { type: "button", class: "papers-facet__not", "aria-pressed": String(excluded), title: "Leave out " + value, "aria-label": "not " + value, "data-key": ["not", name, value].join("\u0000"), text: "not" });
      exclude.addEventListener("click", () => { toggle(state.exclude[name], value); state.include[name] = state.include[name].filter(v => v !== value); rerun(); });
      const item = element("li", { class: excluded ? "is-excluded" : included ? "is-included" : "" }, include, exclude);
      if (index >= SHOWN_VALUES && !chosen.has(value) && !state.expanded.has(name)) item.hidden = true;
      list.append(item);
    });
    const group = facetDetails(label, {}, list);
    group.open = chosen.size > 0 || window.matchMedia("(min-width: 45em)").matches;  // on phones, results come first
    if (found.length > shown.length) {
      list.append(element("li", { class: "papers-facet__rest", text: `and ${found.length - shown.length} more: search to narrow them` }));
    }
    const hidden = list.querySelectorAll("li[hidden]");
    if (hidden.length) {
      const label = found.length > shown.length ? `Show the ${shown.length} most frequent` : `Show all ${shown.length}`;
      const more = element("button", { type: "button", class: "papers-facet__more", text: label });
      more.addEventListener("click", () => {
        state.expanded.add(name);  // kept shown when the facets are drawn again
        hidden.forEach(li => { li.hidden = false; });
        hidden[0].querySelector("button").focus();  // where the list goes on, not back to the top
        more.remove();
      });
      group.append(more);
    }
    return group;
  }

  function resultItem(data) {
    const meta = data.meta || {};
    const title = element("a", { href: data.url, class: "papers-result__title", text: meta.title || data.url });
    const line = [meta.authors, meta.year, meta.topics].filter(Boolean).join(" · ");
    const byline = element("p", { class: "papers-result__byline", text: line });
    const item = element("li", { class: "papers-result" }, element("h2", {}, title), byline);
    const excerpt = abstractExcerpt(data);
    if (excerpt.textContent) {
      item.append(element("p", { class: "papers-result__excerpt" }, excerpt));
    }
    return item;
  }

  // The facets in one panel: open beside the results on a wide screen; on a phone, where they sit
  // above the results, closed (its heading counts what is chosen), so the results come first.
  function filterPanel(state, groups, rerun) {
    const summary = element("summary", { class: "papers-search__panel-summary" });
    const panel = element("details", { class: "papers-search__panel" }, summary,
      yearRange(state, rerun), groups);
    panel.open = window.matchMedia(WIDE).matches;
    const label = () => {
      const n = chosenCount(state);
      summary.textContent = n ? `Filters (${n} chosen)` : "Filters";
    };
    label();
    return [panel, label];
  }

  function yearRange(state, rerun) {
    const box = (name, label) => {
      const input = element("input", { type: "text", inputmode: "numeric", pattern: "[0-9]*",
        maxlength: "4", size: "4", name, "aria-label": label, placeholder: name,
        autocomplete: "off" });
      input.value = state[name];
      let timer = null;
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const value = yearText(input.value);
          // a year half typed, or not a year, waits
          const partial = (input.value.trim() && !value) || (value && value.length < 4);
          if (value === state[name] || partial) return;
          state[name] = value;
          rerun();
        }, 300);
      });
      return input;
    };
    const dash = element("span", { "aria-hidden": "true", text: " – " });
    return element("fieldset", { class: "papers-search__years" },
      element("legend", { text: "Years" }), box("from", "From year"), dash, box("to", "To year"));
  }

  function sortControl(state, rerun) {
    const options = SORTS.map(([value, label]) => element("option", { value, text: label }));
    const select = element("select", { name: "sort" }, ...options);
    select.value = state.sort;
    select.addEventListener("change", () => { state.sort = select.value; rerun(); });
    return element("label", { class: "papers-search__sort" }, "Sort ", select);
  }

  async function searchPageMain(root) {
    const input = root.querySelector("input[name=q]");
    const status = root.querySelector(".papers-search__status");
    const aside = root.querySelector(".papers-search__facets");
    const facets = element("div", { class: "papers-search__groups" });
    const results = root.querySelector(".papers-search__results");
    const more = root.querySelector(".papers-search__more");
    const state = readState();
    input.value = state.q;
    const [panel, labelPanel] = filterPanel(state, facets, () => run());
    aside.replaceChildren(panel);
    const bar = element("div", { class: "papers-search__bar" });
    status.before(bar);
    bar.append(status, sortControl(state, () => run()));
    const skip = root.querySelector(".papers-search__skip");
    if (skip) bar.before(skip);  // the first stop after the search field, as before
    // Every facet's heading is there before anything is counted. On a phone the facets sit above the results, and
    // counting waits for the filter index, so facets drawn only then pushed the results already shown down the page.
    facets.replaceChildren(...FACETS.map(([, label]) => facetDetails(label, { "data-pending": "" })));
    let engine;
    try {
      engine = await loadPagefind();
    } catch (err) {
      aside.replaceChildren();
      status.textContent = "The search index is not there: build the site with `mkdocs build` (or wait for `mkdocs serve` to finish indexing).";
      return;
    }
    let generation = 0;
    let pending = [];

    async function showMore(mine) {
      // the first few as soon as their fragments arrive, then the rest of the page
      for (const size of [FIRST_BATCH, PAGE_SIZE - FIRST_BATCH]) {
        const found = await Promise.all(pending.splice(0, size).map(r => r.data()));
        if (mine !== undefined && mine !== generation) return;
        found.forEach(data => results.append(resultItem(data)));
      }
      more.hidden = pending.length === 0;
    }

    function showResults(search) {
      const n = search.results.length;
      status.textContent = n === 1 ? "1 paper" : `${n} papers`;
      results.replaceChildren();
      pending = search.results.slice();
    }

    async function run() {
      const mine = ++generation;
      writeState(state);
      labelPanel();
      const query = state.q.trim() || null;
      if (!query && !active(state)) {
        const all = await (await engine.faceted()).filters();
        if (mine !== generation) return;
        results.replaceChildren();
        pending = [];
        more.hidden = true;
        status.textContent = "Type to search, or choose a filter.";
        drawFacets(all);
        return;
      }
      if (active(state)) {
        const faceted = await engine.faceted();  // it knows the years a range stands for
        const options = { filters: pagefindFilters(state), ...sortOptions(state) };
        const search = await faceted.search(query, options);
        if (mine !== generation || !search) return;
        showResults(search);
        drawFacets(search.filters);
        await showMore(mine);
        return;
      }
      // Results first, from the instance that counts nothing; the facets follow from the same query.
      const search = await engine.plain.search(query, sortOptions(state));
      if (mine !== generation || !search) return;
      showResults(search);
      await showMore(mine);
      if (mine !== generation) return;
      const counted = await (await engine.faceted()).search(query);
      if (mine === generation && counted) drawFacets(counted.filters);
    }

    function drawFacets(counts) {
      const shown = shownCounts(counts);  // values as written, not as the index holds them
      const groups = FACETS.map(([key, label]) => facetGroup(state, key, label, shown[key], run));
      const focused = focusedKey(facets);
      facets.replaceChildren(...groups);
      refocus(facets, focused);
    }

    let timer = null;
    input.addEventListener("input", () => {
      state.q = input.value;
      engine.plain.preload(input.value);
      clearTimeout(timer);
      timer = setTimeout(run, 40);  // stale searches are dropped anyway: this only spares the worker
    });
    root.querySelector("form").addEventListener("submit", event => { event.preventDefault(); state.q = input.value; run(); });
    more.addEventListener("click", () => showMore());
    await run();
  }

  // ---- topic pages ------------------------------------------------------------------------
  function topicFilter(box) {
    const input = box.querySelector("input");
    const status = box.querySelector(".papers-filter__status");
    const entries = Array.from(document.querySelectorAll(".paper-list .paper-entry"));
    box.hidden = false;
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const entry of entries) {
        const match = words.every(word => entry.textContent.toLowerCase().includes(word));
        entry.hidden = !match;
        shown += match;
      }
      status.replaceChildren();
      if (!words.length) return;
      const everywhere = searchPage();
      everywhere.searchParams.set("q", input.value.trim());
      everywhere.searchParams.append("topic", box.dataset.topic);
      status.append(`${shown} of ${entries.length} on this page · `, element("a", { href: everywhere.href, text: "search all papers of this topic" }));
    });
  }

  // ---- Material's controls -----------------------------------------------------------------
  // Copy buttons named after what they copy, "Copied" announced, the colour toggle on Space.
  function codeBlockName(nav) {
    for (let node = nav; node && !node.matches("article"); node = node.parentElement) {
      const before = node.previousElementSibling;
      if (before && before.matches(".cite-format")) return before.textContent.trim();
    }
    return "";
  }

  function nameCodeButtons(root) {
    root.querySelectorAll(".md-code__nav:not([aria-label])").forEach(nav => {
      const name = codeBlockName(nav);
      nav.setAttribute("aria-label", name ? name + " code" : "Code");
      nav.querySelectorAll("button[title]").forEach(button => {
        if (name) button.setAttribute("aria-label", button.title + ": " + name);
      });
    });
  }

  function themeControls() {
    const article = document.querySelector("article");
    if (article && !article.dataset.named) {
      article.dataset.named = "1";
      nameCodeButtons(article);  // Material adds the buttons after the page loads, and again later
      new MutationObserver(() => nameCodeButtons(article)).observe(article, { childList: true, subtree: true });
    }
    // Material escapes a navigation title that is escaped already in the footer's link names
    // ("Next: A &amp; B"): named again from the text they show.
    document.querySelectorAll(".md-footer__link[aria-label]").forEach(link => {
      const shown = [".md-footer__direction", ".md-ellipsis"]
        .map(part => (link.querySelector(part) || {}).textContent || "").map(t => t.trim());
      if (shown[0] && shown[1]) link.setAttribute("aria-label", shown.join(": "));
    });
    const dialog = document.querySelector(".md-dialog__inner");
    if (dialog) { dialog.setAttribute("role", "status"); dialog.setAttribute("aria-live", "polite"); }
    // Tab reaches the checked (hidden) radio button of the colour scheme, on which Space does
    // nothing (Material answers Enter only): Space presses the toggle shown next to it, and focus
    // follows the choice.
    document.querySelectorAll("input.md-option[name='__palette']").forEach(option => {
      if (option.dataset.keys) return;
      option.dataset.keys = "1";
      option.addEventListener("keydown", event => {
        const toggle = document.querySelector("label[for^='__palette']:not([hidden])");
        if (event.key !== " " || !toggle) return;
        event.preventDefault();
        toggle.click();
        setTimeout(() => { const now = document.querySelector("input.md-option[name='__palette']:checked"); if (now) now.focus(); });
      });
    });
  }

  function start() {
    themeControls();
    headerBox();
    const root = document.getElementById("papers-search");
    if (root && !root.dataset.started) { root.dataset.started = "1"; searchPageMain(root); }
    const box = document.querySelector(".papers-filter[data-topic]");
    if (box && box.hidden) topicFilter(box);
  }

  // Material's instant navigation swaps pages without reloading scripts: start on each page.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
