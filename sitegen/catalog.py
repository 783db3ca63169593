"""Published items into the indexes readers browse: types, tags, years, document types,
related items on both ends and similar items. Finds the problems that need every item at
once: duplicate document numbers, references to nothing, tags that would share a URL.
"""

from __future__ import annotations

import datetime
import heapq
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Set
from dataclasses import replace
from itertools import count

from .config import SiteConfig
from .errors import ContentError
from .model import KINDS, Catalog, FileReferences, Item, Term
from .references import Resolver, file_reference_errors
from .text import MAX_SLUG, slugify, term_key

SIMILAR_LIMIT = 5
SIMILAR_TAGS = 8  # an item is matched on its rarest tags, which say most about it
_NONE: frozenset[int] = frozenset()


def build_catalog(
    items: Iterable[Item],
    unpublished: Collection[str],
    config: SiteConfig,
    similar_memo: dict | None = None,
    unchecked: Iterable[FileReferences] = (),
    numbers_unknown: bool = False,
) -> tuple[Catalog, list[ContentError]]:
    """Index the published `items`. References to `unpublished` keys or numbers (drafts,
    files with errors of their own) are left out, not reported again, as are references
    to any number when `numbers_unknown` (a document could not be read). The references
    of files that failed validation (`unchecked`) are checked too. `similar_memo`, if
    given, lets a rebuild skip the similar-items step when its inputs are unchanged."""
    errors: list[ContentError] = []
    ordered = sorted(items, key=lambda item: item.sort_key)
    number_to_key = _document_numbers(ordered, errors)
    numbered = set(number_to_key.values())
    ordered = [item for item in ordered if item.kind != "document" or item.key in numbered]
    by_key = {item.key: item for item in ordered}
    resolve = Resolver(by_key, number_to_key, unpublished, numbers_unknown)
    errors += file_reference_errors(unchecked, resolve)

    related_out: dict[str, list[str]] = {}
    translated: dict[str, list[str]] = {}
    reports_of_event: dict[str, tuple[str, ...]] = {}
    for item in ordered:
        key, shown = item.key, item.source_path
        related_out[key] = resolve.all(key, shown, "related", item.related, errors)
        translated[key] = resolve.all(key, shown, "translations", item.translations, errors)
        if item.kind == "event":
            reports_of_event[key] = tuple(resolve.all(key, shown, "reports", item.reports, errors))

    tags, tag_slug = _terms(ordered, errors)
    doc_types = _doc_type_terms(ordered, config)
    related = _both_ends(ordered, related_out)
    catalog = Catalog(
        items=by_key,
        by_kind={kind: tuple(i.key for i in ordered if i.kind == kind) for kind in KINDS},
        tags=tags,
        doc_types=doc_types,
        years=_years(ordered),
        related=related,
        similar=_similar(ordered, related, similar_memo),
        reports_of_event=reports_of_event,
        events_of_report=_reverse(reports_of_event, ordered),
        translations=_translation_groups(ordered, translated, config, errors),
        tag_slug=tag_slug,
        doc_type_slug={term.name: term.slug for term in doc_types},
        rank={item.key: place for place, item in enumerate(ordered)},
    )
    return catalog, errors


def _document_numbers(ordered: list[Item], errors: list[ContentError]) -> dict[int, str]:
    owners: dict[int, Item] = {}
    documents = sorted((i for i in ordered if i.kind == "document"), key=lambda i: i.source_path)
    highest = max((i.number or 0 for i in documents), default=0)
    for item in documents:
        if item.number in owners:
            errors.append(
                ContentError(
                    item.source_path,
                    item.line_of("number"),
                    "number",
                    f"{item.number} is already the number of {owners[item.number].source_path}; "
                    f"every document needs its own, e.g. number: {highest + 1}",
                )
            )
        else:
            owners[item.number] = item  # type: ignore[index]
    return {number: item.key for number, item in owners.items()}


def _translation_groups(
    ordered: list[Item],
    translated: Mapping[str, list[str]],
    config: SiteConfig,
    errors: list[ContentError],
) -> dict[str, tuple[str, ...]]:
    """Each item's other language versions. Saying it once is enough: if A lists B and B
    lists C, all three are versions of each other. Two versions may not share a language."""
    group_of = {item.key: {item.key} for item in ordered}
    for key, others in translated.items():
        for other in others:
            merged = group_of[key] | group_of[other]
            for member in merged:
                group_of[member] = merged
    by_key = {item.key: item for item in ordered}
    result: dict[str, tuple[str, ...]] = {}
    for item in ordered:
        group = group_of[item.key]
        if len(group) == 1:
            continue
        language = item.lang or config.language
        clash = [
            k
            for k in sorted(group)
            if k != item.key and (by_key[k].lang or config.language) == language
        ]
        if clash and item.translations:
            errors.append(
                ContentError(
                    item.source_path,
                    item.line_of("translations"),
                    "translations",
                    f"{by_key[clash[0]].source_path} is in the same language ({language}); "
                    "a translation needs its own lang, e.g. lang: et",
                )
            )
        result[item.key] = tuple(k for k in sorted(group) if k != item.key)
    return result


def _both_ends(
    ordered: list[Item], related_out: Mapping[str, list[str]]
) -> dict[str, tuple[str, ...]]:
    """An item lists what it names, then what names it (newest first)."""
    incoming: dict[str, list[str]] = defaultdict(list)
    for item in ordered:
        for target in related_out[item.key]:
            incoming[target].append(item.key)
    return {
        item.key: tuple(dict.fromkeys([*related_out[item.key], *incoming[item.key]]))
        for item in ordered
    }


def _reverse(
    forward: Mapping[str, tuple[str, ...]], ordered: list[Item]
) -> dict[str, tuple[str, ...]]:
    backward: dict[str, list[str]] = defaultdict(list)
    for item in ordered:
        for target in forward.get(item.key, ()):
            backward[target].append(item.key)
    return {key: tuple(keys) for key, keys in backward.items()}


def _terms(
    ordered: list[Item], errors: list[ContentError]
) -> tuple[tuple[Term, ...], dict[str, str]]:
    """Tags merged case- and Unicode-insensitively; two tags that share a slug are an error."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    keys: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets of item keys
    first_use: dict[str, tuple[str, int, str]] = {}
    for item in ordered:
        for index, tag in enumerate(item.tags):
            term = term_key(tag)
            spellings[term][tag] += 1
            keys[term][item.key] = None
            if term not in first_use:
                first_use[term] = (item.source_path, item.line_of(f"tags[{index}]"), tag)
    terms: list[Term] = []
    slug_owner: dict[str, str] = {}
    tag_slug: dict[str, str] = {}
    for term in sorted(spellings, key=lambda t: (first_use[t][0], first_use[t][1])):
        name = min(spellings[term].items(), key=lambda pair: (-pair[1], pair[0]))[0]
        slug = slugify(name)
        path, line, written = first_use[term]
        if not slug:
            errors.append(
                ContentError(
                    path, line, "tags", f"{written!r} has no letters or digits for a URL; reword it"
                )
            )
            continue
        if len(slug) > MAX_SLUG:
            message = f"is {len(name)} characters long, too long for the tag's address; keep it to about {MAX_SLUG // 2}"
            errors.append(ContentError(path, line, "tags", f"{written[:40]!r}… {message}"))
            continue
        if slug in slug_owner:
            other = slug_owner[slug]
            other_path, other_line, other_written = first_use[other]
            errors.append(
                ContentError(
                    path,
                    line,
                    "tags",
                    f"{written!r} and {other_written!r} ({other_path}:{other_line}) are different tags "
                    f"that would share the page /tags/{slug}/; use one spelling for both",
                )
            )
            continue
        slug_owner[slug] = term
        for spelling in spellings[term]:
            tag_slug[spelling] = slug
        terms.append(Term(name, slug, tuple(keys[term])))
    return tuple(sorted(terms, key=lambda t: (term_key(t.name), t.slug))), tag_slug


def _doc_type_terms(ordered: list[Item], config: SiteConfig) -> tuple[Term, ...]:
    keys: dict[str, list[str]] = {name: [] for name in config.doc_types}
    for item in ordered:
        for name in dict.fromkeys(item.doc_types):  # once, if written twice
            if name in keys:
                keys[name].append(item.key)
    return tuple(Term(name, slugify(name), tuple(of)) for name, of in keys.items() if of)


def _years(ordered: list[Item]) -> dict[int, tuple[str, ...]]:
    years: dict[int, list[str]] = defaultdict(list)
    for item in ordered:
        if item.kind != "page":
            years[item.date.year].append(item.key)
    return {year: tuple(years[year]) for year in sorted(years, reverse=True)}


def _similar(
    ordered: list[Item], related: Mapping[str, tuple[str, ...]], memo: dict | None
) -> dict[str, tuple[str, ...]]:
    """Up to five other items sharing the most tags (rarer tags weigh more), newest first on
    ties. Pages are never suggested. `memo` keeps the last answer by its inputs: most edits
    change neither tags, dates nor related items."""
    inputs = repr([(item.key, item.kind, item.tags) for item in ordered] + sorted(related.items()))
    if memo is not None and memo.get("inputs") == inputs:
        return memo["similar"]
    term_sets = [{term_key(tag) for tag in item.tags} for item in ordered]
    postings: dict[str, list[int]] = defaultdict(list)
    for position, (item, terms) in enumerate(zip(ordered, term_sets, strict=True)):
        if item.kind != "page":
            for term in terms:
                postings[term].append(position)
    members = {term: frozenset(positions) for term, positions in postings.items()}
    position_of = {item.key: position for position, item in enumerate(ordered)}
    similar: dict[str, tuple[str, ...]] = {}
    for position, item in enumerate(ordered):
        excluded = {position, *(position_of[key] for key in related.get(item.key, ()))}
        terms = sorted(term_sets[position] & postings.keys(), key=lambda t: (len(postings[t]), t))
        best = _best_scored(terms, postings, members, excluded)
        similar[item.key] = tuple(ordered[other].key for other in best)
    if memo is not None:
        memo.update(inputs=inputs, similar=similar)
    return similar


def _best_scored(
    terms: list[str],
    postings: Mapping[str, list[int]],
    members: Mapping[str, frozenset[int]],
    excluded: set[int],
) -> list[int]:
    """The SIMILAR_LIMIT positions scoring highest, lowest position first on ties, where a
    position scores the sum of the weights (1 + 1/its item count) of the `terms` it shares.

    Positions are split into groups by which of the terms they share, one term at a time,
    best first: a heap holds each group by the highest score it can still reach (its score
    so far and the weights of the terms not yet looked at). A group that has looked at
    every term has its score; once no open group can reach it, its lowest positions are
    taken. Groups are disjoint and never empty, so the work is at most the terms times
    the positions sharing any: enumerating subsets of terms, as a first version did, took
    8 s for an item with 21 tags and exhausted memory at 30. Only the SIMILAR_TAGS rarest
    terms are looked at, which bounds the groups; sums run rarest term first, so equal
    scores are equal floats whatever the hash seed.
    """
    terms = terms[:SIMILAR_TAGS]
    weights = [1.0 + 1.0 / len(postings[term]) for term in terms]
    reach = [0.0] * (len(terms) + 1)  # what the terms from each one on add at most
    for depth in range(len(terms) - 1, -1, -1):
        reach[depth] = weights[depth] + reach[depth + 1] + 1e-9  # never below the sum
    # (-reachable score, order pushed, terms looked at, score, positions, minus): the group
    # is `positions` without `minus` (made when it is taken out); positions None stands
    # for those sharing none of the terms looked at, but one of the others.
    heap: list[tuple] = []
    pushed = count()

    def push(depth: int, score: float, positions: Set[int] | None, minus: Set[int] = _NONE):
        entry = (-(score + reach[depth]), next(pushed), depth, score, positions, minus)
        heapq.heappush(heap, entry)

    if terms:
        push(0, 0.0, None)
    done: dict[float, list[Set[int]]] = {}  # groups that looked at every term, by score
    chosen: list[int] = []
    while len(chosen) < SIMILAR_LIMIT and (heap or done):
        best = max(done, default=-1.0)
        if heap and -heap[0][0] >= best:  # an open group may still reach the best score
            _, _, depth, score, positions, minus = heapq.heappop(heap)
            if minus:
                positions = positions - minus
            if depth == len(terms):
                done.setdefault(score, []).append(positions)
                continue
            sharing, weight = members[terms[depth]], weights[depth]
            if positions is None:
                hit = sharing.difference(*(members[term] for term in terms[:depth]))
                if depth + 1 < len(terms):
                    push(depth + 1, 0.0, None)
            else:
                hit = positions & sharing
                if len(hit) < len(positions):
                    push(depth + 1, score, positions, hit)
            if hit:
                push(depth + 1, score + weight, hit)
            continue
        pool = frozenset().union(*done.pop(best)) - excluded
        chosen += sorted(pool)[: SIMILAR_LIMIT - len(chosen)]
    return chosen


def publishable(
    items: list[Item], today: datetime.date, include_all: bool
) -> tuple[list[Item], dict[str, str], datetime.date | None]:
    """Split off drafts and scheduled items, or keep them marked when `include_all`; and
    say on which day the first scheduled item comes out (the site changes on that day).

    An item is scheduled when its date starts after `today`. Events are the exception:
    their date is when they happen, and an upcoming event is announced before it.
    """
    shown: list[Item] = []
    held: dict[str, str] = {}
    releases = []
    for item in items:
        first_day = datetime.date(item.date.year, item.date.month or 1, item.date.day or 1)
        scheduled = item.kind != "event" and first_day > today
        if scheduled:
            releases.append(first_day)
        if item.draft or scheduled:
            if not include_all:
                held[item.key] = "draft" if item.draft else "scheduled"
                continue
            item = replace(item, scheduled=scheduled)
        shown.append(item)
    return shown, held, min(releases, default=None)
