// The search page: a query and facet checkboxes over the Pagefind index the build wrote.
// Within a facet any checked value matches; across facets all must. The query and the
// checked values live in the address, so a search can be bookmarked, shared and cited.
// The index holds one page per item, its record's values under the anchor #record and
// each PDF page under #pdf-<file>-<page> (see sitegen/search.py): one result per item,
// with the PDF pages that match listed under it.

// The page's words, in its language (search.html): plurals by CLDR category.
const STRINGS = JSON.parse(document.getElementById("search-strings").textContent);
const PLURAL = new Intl.PluralRules(document.documentElement.lang);
const FACETS = ["type", "year", "doctype", "language", "tag"].map((f) => [f, STRINGS.facets[f]]);
const PAGE = 20;

// A string of STRINGS with its %(name)s places filled; a plural's form chosen by `num`.
function say(key, values = {}) {
  let text = STRINGS[key];
  if (typeof text === "object") text = text[PLURAL.select(values.num)] ?? text.other;
  return text.replace(/%\((\w+)\)[sd]/g, (_, name) => String(values[name]));
}

const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const filtersList = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const filtersBox = document.getElementById("search-filters-box");
const chosenCount = document.getElementById("search-chosen");
const PDF_PAGE = /#pdf-(\d+)-(\d+)$/;
const WIDE = window.matchMedia("(min-width: 45rem)");

const pagefind = await import(form.dataset.index + "pagefind.js");
await pagefind.options({ excerptLength: 40 });
const counts = {}; // facet -> value -> the <span> showing its count
const totals = await pagefind.filters(); // items by facet value, with no search

buildFilters(totals);
readAddress();
// On a phone the results come first and the filters fold away until asked for.
filtersBox.open = WIDE.matches || filtersList.querySelector("input:checked") !== null;
let latest = 0;
let lastAsked = null;
let pending = [];
await run();

input.addEventListener("input", debounce(run, 250));
filtersList.addEventListener("change", run);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
more.querySelector("button").addEventListener("click", () => showMore(true, latest));

function buildFilters(available) {
  for (const [facet, label] of FACETS) {
    const values = Object.keys(available[facet] || {});
    if (values.length === 0) continue;
    values.sort((a, b) => (facet === "year" ? b.localeCompare(a) : a.localeCompare(b)));
    const fieldset = element("fieldset", { class: `facet facet-${facet}` });
    fieldset.append(element("legend", {}, label));
    const options = element("ul");
    counts[facet] = {};
    for (const value of values) {
      const id = `f-${facet}-${value}`.replace(/[^\w-]/g, "_");
      const box = element("input", { type: "checkbox", name: facet, value, id });
      const count = element("span", { class: "count" }, ` (${available[facet][value]})`);
      counts[facet][value] = count;
      const labelled = element("label", { for: id }, value);
      labelled.append(count);
      const entry = element("li");
      entry.append(box, labelled);
      options.append(entry);
    }
    if (facet === "tag") {
      // Hundreds of tags: folded away until asked for.
      const details = element("details");
      details.append(element("summary", {}, `${label} (${values.length})`), options);
      fieldset.append(details);
    } else {
      fieldset.append(options);
    }
    filtersList.append(fieldset);
  }
  const clear = element("button", { type: "button", class: "clear" }, say("clear"));
  clear.addEventListener("click", () => {
    for (const box of filtersList.querySelectorAll("input:checked")) box.checked = false;
    run();
  });
  filtersList.append(clear);
}

function chosen() {
  const filters = {};
  for (const box of filtersList.querySelectorAll("input:checked")) {
    (filters[box.name] ||= { any: [] }).any.push(box.value);
  }
  return filters;
}

async function run() {
  const query = input.value.trim();
  const filters = chosen();
  // Enter and the typing pause both ask; the same search twice would redraw the list
  // under the reader's pointer.
  const asked = JSON.stringify([query, filters]);
  if (asked === lastAsked) return;
  lastAsked = asked;
  writeAddress(query, filters);
  const ticket = ++latest;
  if (!query && Object.keys(filters).length === 0) {
    pending = [];
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    showCounts(totals);
    return;
  }
  const search = await pagefind.search(query || null, { filters });
  if (ticket !== latest) return; // a newer search has started
  showCounts(search.filters);
  pending = search.results;
  if (!(await showMore(false, ticket))) return;
  // Said last, once the results are on the page: screen readers hear it when it is true.
  const num = search.results.length;
  const narrowed = Object.keys(filters).length > 0;
  const key = query ? (narrowed ? "_filtered" : "") : "_filters_only";
  status.textContent =
    num === 0 ? say(`none${key}`, { query }) : say(key === "_filters_only" ? "filtered" : `found${key}`, { num, query });
}

// Each value's count of items; a value with none is hidden unless it is checked, and a
// facet with no value left is hidden whole.
function showCounts(found) {
  for (const [facet, values] of Object.entries(counts)) {
    let shown = 0;
    for (const [value, span] of Object.entries(values)) {
      const n = found?.[facet]?.[value] ?? 0;
      const entry = span.closest("li");
      span.textContent = ` (${n})`;
      entry.hidden = n === 0 && !entry.querySelector("input").checked;
      if (!entry.hidden) shown++;
    }
    filtersList.querySelector(`.facet-${facet}`).hidden = shown === 0;
  }
  const checked = filtersList.querySelectorAll("input:checked").length;
  chosenCount.textContent = checked ? say("chosen", { num: checked }) : "";
}

// Show the next results; false when a newer search made these stale.
async function showMore(moveFocus, ticket) {
  const batch = pending.slice(0, PAGE);
  const entries = await Promise.all(batch.map((result) => result.data()));
  if (ticket !== latest) return false;
  pending = pending.slice(PAGE);
  if (!moveFocus) list.replaceChildren();
  let first = null;
  for (const data of entries) {
    const entry = resultEntry(data);
    list.append(entry);
    first ||= entry.querySelector("a");
  }
  more.hidden = pending.length === 0;
  if (moveFocus && first) first.focus();
  return true;
}

// One item: its title, kind and date, a passage of its text with the words found marked
// (its summary when the words are only in its record or its files, or when there are no
// words), the record's values that matched, and the pages of its PDFs that matched.
function resultEntry(data) {
  const entry = element("li", { class: "search-result" });
  const heading = element("h2", { class: "item-title" });
  heading.append(element("a", { href: data.url }, data.meta.title || data.url));
  const meta = element("p", { class: "meta" });
  for (const part of [data.meta.kind, data.meta.date]) {
    if (part) meta.append(element("span", {}, part));
  }
  entry.append(heading, meta);
  const sections = (data.sub_results || []).filter((sub) => sub.excerpt.includes("<mark>"));
  const inText = sections.filter((sub) => !PDF_PAGE.test(sub.url) && !sub.url.endsWith("#record"));
  const inRecord = sections.find((sub) => sub.url.endsWith("#record"));
  const inFiles = sections.filter((sub) => PDF_PAGE.test(sub.url));
  const passage = element("p", { class: "summary" });
  if (inText.length) {
    const best = inText.reduce((a, b) => (b.locations.length > a.locations.length ? b : a));
    passage.innerHTML = sentences(best.excerpt, best.title); // Pagefind escapes the text and adds only <mark>
  }
  if (!passage.textContent) {
    passage.textContent = data.meta.summary || "";
  }
  if (passage.textContent) entry.append(passage);
  if (inRecord && !inText.length) {
    const marks = unmarkPunctuation(inRecord.excerpt).match(/<mark>.*?<\/mark>/g);
    const unique = [...new Set(marks.map((mark) => mark.slice(6, -7)))];
    const line = element("p", { class: "found-in" }, `${say("in_record")} `);
    unique.forEach((word, n) => line.append(...(n ? [", "] : []), element("mark", {}, word)));
    entry.append(line);
  }
  if (inFiles.length) entry.append(filePages(data, inFiles));
  return entry;
}

function filePages(data, pages) {
  const box = element("div", { class: "found-in-files" });
  box.append(element("p", { class: "found-in" }, say("in_files", { num: pages.length })));
  const listed = element("ul");
  for (const sub of pages.slice(0, 3)) {
    const [, file, page] = sub.url.match(PDF_PAGE);
    const target = data.meta[`file${file}`];
    const item = element("li");
    item.append(element("a", { href: target ? `${target}#page=${page}` : sub.url }, sub.title));
    const excerpt = element("span", { class: "excerpt" });
    excerpt.innerHTML = ` ${sentences(sub.excerpt, sub.title)}`;
    item.append(excerpt);
    listed.append(item);
  }
  box.append(listed);
  if (pages.length > 3) box.append(element("p", { class: "found-in" }, say("more_pages", { num: pages.length - 3 })));
  return box;
}

// Pagefind's excerpt is a window of words that starts and stops mid-sentence: keep whole
// sentences from the first one with a word found, leave out the section's heading (the
// result shows it already), and mark what was cut with "…".
function sentences(excerpt, heading = "") {
  excerpt = unmarkPunctuation(excerpt);
  const plain = (html) => html.replace(/<\/?mark>/g, "");
  let parts = excerpt.split(/(?<=[.!?](?:<\/mark>)?)\s+(?=(?:<mark>)?[\p{Lu}\p{Lt}“"«(])/u);
  const opensSection = heading !== "" && plain(excerpt).startsWith(heading);
  // The heading, or the end of it, where the window begins.
  if (parts.length && heading.endsWith(plain(parts[0]).replace(/\.$/, ""))) parts = parts.slice(1);
  if (!parts.length) return "";
  const first = Math.max(0, parts.findIndex((part) => part.includes("<mark>")));
  const ends = (part) => /[.!?](<\/mark>)?$/.test(part);
  let last = parts.length - 1;
  while (last > first && !ends(parts[last])) last--;
  let text = parts.slice(first, last + 1).join(" ");
  if (first === 0 && !opensSection && !/^(<mark>)?[\p{Lu}\p{Lt}“"«(]/u.test(text)) text = `…${text}`;
  if (!ends(text)) text = `${text}…`;
  return text;
}

// Pagefind marks a word with the punctuation after it: "<mark>Helsinki,</mark>".
function unmarkPunctuation(excerpt) {
  return excerpt.replace(/([.,;:!?)]+)<\/mark>/g, "</mark>$1");
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const box of filtersList.querySelectorAll("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
  }
}

function writeAddress(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [facet, { any }] of Object.entries(filters)) {
    for (const value of any) params.append(facet, value);
  }
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function debounce(action, wait) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, wait);
  };
}
