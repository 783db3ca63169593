"""Write a synthetic catalogue in the project's own front-matter schema, the same for the
same arguments: `python benchmarks/generate.py --n 2000 --out /tmp/catalogue`.

Items are 10% events, 15% reports and 75% documents with 300–900 words of Markdown
(headings, lists, a table, links), tags drawn from a Zipf distribution over a few hundred
terms in the region's languages, and year-only or month-only dates on some records.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

TERMS = [
    "trafficking", "human trafficking", "labour exploitation", "sexual exploitation",
    "forced labour", "victim identification", "victim assistance", "prosecution",
    "prevention", "child trafficking", "organised crime", "migration", "asylum",
    "Baltic Sea", "Nordic cooperation", "case law", "shelters", "hotlines", "ferries",
    "border guards", "police cooperation", "social services", "NGO", "legislation",
    "inimkaubandus", "ohvrite abistamine", "sunnitöö", "seksuaalne ärakasutamine",
    "prekyba žmonėmis", "aukų identifikavimas", "priverstinis darbas", "išnaudojimas",
    "cilvēku tirdzniecība", "upuru atbalsts", "piespiedu darbs", "ekspluatācija",
    "menneskehandel", "tvangsarbeid", "utnyttelse", "ofre", "menneskehandel i Norden",
    "торговля людьми", "принудительный труд", "сексуальная эксплуатация", "жертвы",
]  # fmt: skip
WORDS = str.split(
    "the programme report study victims cooperation countries region police social "
    "services national authorities support shelter assistance identification labour "
    "exploitation children women men border ferry port cases courts prosecutors law "
    "guidelines training forum conference experts knowledge network data research "
    "recommendations municipalities ministries organisations awareness prevention "
    "of and in for with on to a an by from across between within under"
)
EVENT_KINDS = ["conference", "expert forum", "knowledge forum", "seminar", "workshop"]
DOC_TYPES = [
    "Research/Study/Analysis", "Law/Legislation", "Manual/Guidelines", "Article",
    "Report", "Policy/Action plan", "News",
]  # fmt: skip


def vocabulary(size: int = 300) -> list[str]:
    """A few hundred tags: the base terms, then numbered variants of them."""
    terms = list(TERMS)
    n = 1
    while len(terms) < size:
        terms.extend(f"{term} {n}" for term in TERMS[: size - len(terms)])
        n += 1
    return terms


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        length = min(left, rng.randint(8, 20))
        out.append(sentence(rng, length))
        left -= length
    return " ".join(out)


def body(rng: random.Random, links: list[str]) -> str:
    target = rng.randint(300, 900)
    parts: list[str] = [paragraph(rng, 60)]
    written = 60
    section = 1
    while written < target:
        parts.append(f"## Section {section}: {sentence(rng, 4)[:-1]}")
        parts.append(paragraph(rng, 90))
        choice = rng.randrange(3)
        if choice == 0:
            parts.append("\n".join(f"- {sentence(rng, 7)}" for _ in range(4)))
        elif choice == 1:
            rows = "\n".join(
                f"| {2000 + rng.randrange(25)} | {rng.randrange(300)} | {sentence(rng, 3)} |"
                for _ in range(4)
            )
            parts.append(f"| Year | Cases | Note |\n|---|---|---|\n{rows}")
        elif links:
            target_link = rng.choice(links)
            parts.append(f"See also [an earlier item]({target_link}) and {sentence(rng, 10)}")
        written += 130
        section += 1
    return "\n\n".join(parts) + "\n"


def date(rng: random.Random) -> str:
    year = rng.randint(1998, 2025)
    precision = rng.random()
    if precision < 0.15:
        return str(year)
    if precision < 0.3:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(n: int, out: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    terms = vocabulary()
    weights = [1 / rank for rank in range(1, len(terms) + 1)]  # Zipf, exponent 1
    content = out / "content"
    shutil.rmtree(content, ignore_errors=True)
    for folder in ("events", "reports", "documents", "pages"):
        (content / folder).mkdir(parents=True)
    (content / "pages/programme.md").write_text(
        "---\ntitle: The programme\ndate: 2015\nmenu: 1\n---\nA synthetic catalogue.\n",
        encoding="utf-8",
    )
    written: list[str] = []
    for index in range(n):
        roll = index % 20
        kind = "event" if roll < 2 else "report" if roll < 5 else "document"
        tags = sorted(set(rng.choices(terms, weights, k=rng.randint(2, 6))))
        fields = [
            f"title: {sentence(rng, rng.randint(4, 10))[:-1]!r}",
            f"date: {date(rng)}",
            f"tags: [{', '.join(repr(t) for t in tags)}]",
        ]
        if rng.random() < 0.5:
            fields.append(f"summary: {sentence(rng, 20)!r}")
        if written and rng.random() < 0.3:
            fields.append(f"related: [{written[rng.randrange(len(written))]}]")
        if kind == "event":
            path = f"events/event-{index:05d}.md"
            fields += [f"location: {rng.choice(['Tallinn', 'Riga', 'Vilnius', 'Oslo'])}"]
            fields += [f"kind: {rng.choice(EVENT_KINDS)}"]
        elif kind == "report":
            path = f"reports/report-{index:05d}.md"
            fields += [f"publisher: {rng.choice(['CBSS', 'Nordic Council of Ministers'])!r}"]
        else:
            path = f"documents/{10000 + index}.md"
            fields += [f"number: {10000 + index}"]
            fields += [f"doc_types: [{rng.choice(DOC_TYPES)}]"]
            fields += [f"availability: [{{href: 'https://example.org/{index}.pdf', label: PDF}}]"]
        links = [f"../{p}.md" for p in written[-50:]]
        text = "---\n" + "\n".join(fields) + "\n---\n" + body(rng, links)
        (content / path).write_text(text, encoding="utf-8")
        written.append(path.removesuffix(".md"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of items")
    parser.add_argument("--out", type=Path, required=True, help="folder for content/")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)
    print(f"Wrote {args.n} items into {args.out / 'content'}")


if __name__ == "__main__":
    main()
