// The search page: a query and facet checkboxes over the Pagefind index the build wrote.
// Within a facet any checked value matches; across facets all must. The query and the
// checked values live in the address, so a search can be bookmarked, shared and cited.

const FACETS = [
  ["type", "Content type"],
  ["year", "Year"],
  ["doctype", "Document type"],
  ["language", "Language"],
  ["tag", "Tag"],
];
const PAGE = 20;

const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const filtersBox = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

const pagefind = await import(form.dataset.index + "pagefind.js");
const counts = {}; // facet -> value -> the <span> showing its count

buildFilters(await pagefind.filters());
readAddress();
let latest = 0;
let lastAsked = null;
let pending = [];
await run();

input.addEventListener("input", debounce(run, 250));
filtersBox.addEventListener("change", run);
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
    filtersBox.append(fieldset);
  }
  const clear = element("button", { type: "button", class: "clear" }, "Clear filters");
  clear.addEventListener("click", () => {
    for (const box of filtersBox.querySelectorAll("input:checked")) box.checked = false;
    run();
  });
  filtersBox.append(clear);
}

function chosen() {
  const filters = {};
  for (const box of filtersBox.querySelectorAll("input:checked")) {
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
    return;
  }
  const search = await pagefind.search(query || null, { filters });
  if (ticket !== latest) return; // a newer search has started
  for (const [facet, values] of Object.entries(counts)) {
    for (const [value, span] of Object.entries(values)) {
      span.textContent = ` (${search.filters?.[facet]?.[value] ?? 0})`;
    }
  }
  pending = search.results;
  if (!(await showMore(false, ticket))) return;
  // Said last, once the results are on the page: screen readers hear it when it is true.
  const n = search.results.length;
  const what = query ? ` for “${query}”` : "";
  const narrowed = Object.keys(filters).length ? " with these filters" : "";
  status.textContent =
    n === 0
      ? `No results${what}${narrowed}. Check the spelling, try other words, or remove a filter.`
      : `${n} ${n === 1 ? "result" : "results"}${what}${narrowed}.`;
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
    const entry = element("li", { class: "search-result" });
    const heading = element("h2", { class: "item-title" });
    const link = element("a", { href: data.meta.target || data.url }, data.meta.title || data.url);
    heading.append(link);
    const meta = element("p", { class: "meta" });
    for (const part of [data.meta.kind, data.meta.date]) {
      if (part) meta.append(element("span", {}, part));
    }
    if (data.meta.file) meta.append(element("span", { class: "found-in" }, `Found in ${data.meta.file}`));
    const excerpt = element("p", { class: "summary" });
    excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
    entry.append(heading, meta, excerpt);
    list.append(entry);
    first ||= link;
  }
  more.hidden = pending.length === 0;
  if (moveFocus && first) first.focus();
  return true;
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const box of filtersBox.querySelectorAll("input[type=checkbox]")) {
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
