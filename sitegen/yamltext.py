"""YAML as editors write it: parsed safely, with the line of every key, and every shape
that would hang, crash or corrupt a build refused with its line.

Refused: aliases (a few lines of nested ones expand to billions of values), nesting
deeper than any field needs, a key given twice at any depth, numbers too long to read,
and control characters, which no field needs and which break feeds and exports.
"""

from __future__ import annotations

import json
import re

import yaml

from .errors import ContentError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_DEPTH = 8  # the deepest field is a list of mappings: files: [{path: …}]
# C0 and C1 controls but tab and newline, DEL, and the two non-characters XML refuses.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


class FrontMatterLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML (C-accelerated when available) that leaves dates as text.

    YAML would turn `2010-02-30` into an exception and `2010-05-01` into a datetime; the
    validator wants the text, to accept `2010` and `2010-05` too and to explain bad dates.
    """


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def control_characters(text: str, shown: str) -> list[ContentError]:
    """An error for each line of `text` holding a control character (ten at most)."""
    errors = []
    for number, line in enumerate(text.split("\n"), start=1):
        if found := CONTROL.search(line):
            errors.append(ContentError(shown, number, "", _control_message(found[0])))
            if len(errors) == 10:
                break
    return errors


def _control_message(char: str) -> str:
    return (
        f"holds the control character U+{ord(char):04X}, which is invisible and would break "
        "feeds and exports; delete it"
    )


def parse(
    front: str, first_line: int, shown: str, what: str = "front matter"
) -> tuple[dict, dict[str, int]] | list[ContentError]:
    """The mapping `front` holds and the file line of each key, or what is wrong with it;
    `first_line` is the line before the YAML's first; `what` is how messages name it."""
    if "*" in front and (alias := _first_alias(front)) is not None:
        line, name = alias
        return [
            ContentError(
                shown,
                first_line + line + 1,
                "",
                f"uses the YAML alias *{name}; aliases are not allowed in {what}, "
                "write the value out (put quotes around text that starts with '*')",
            )
        ]
    loader = FrontMatterLoader(front)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            return [
                ContentError(
                    shown,
                    first_line + node.start_mark.line + 1,
                    "",
                    f"{what} must be 'field: value' lines, one field per line",
                )
            ]
        lines, problems = _read_tree(node, first_line, shown)
        if problems:
            return problems
        values = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        line, explained = explain(error, front)
        return [
            ContentError(shown, first_line + line, "", f"{what} is not valid YAML: {explained}")
        ]
    except yaml.YAMLError as error:
        return [ContentError(shown, first_line + 1, "", f"{what} is not valid YAML: {error}")]
    except ValueError as error:  # a number longer than Python reads (4,300 digits)
        return [
            ContentError(
                shown,
                first_line + 1,
                "",
                f"{what} holds a value that cannot be read: {error}",
            )
        ]
    finally:
        loader.dispose()
    return values, lines


def _first_alias(front: str) -> tuple[int, str] | None:
    """The line (from 0) and name of the first alias, found before anything is built."""
    try:
        for event in yaml.parse(front, Loader=FrontMatterLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line, event.anchor
    except yaml.YAMLError:
        return None  # reported by the parse itself
    return None


def _read_tree(
    root: yaml.MappingNode, first_line: int, shown: str
) -> tuple[dict[str, int], list[ContentError]]:
    """The file line of each field, of each list entry (`tags[2]`) and of nested keys;
    and keys given twice at any depth, nesting too deep, control characters in values.
    Iterative: a deep document must not exhaust Python's stack."""
    lines: dict[str, int] = {}
    problems: list[ContentError] = []
    todo: list[tuple[str, yaml.Node, int]] = [("", root, 0)]
    while todo:
        prefix, node, depth = todo.pop()
        line = first_line + node.start_mark.line + 1
        if prefix:
            lines.setdefault(prefix, line)
        if depth > MAX_DEPTH:
            message = f"is nested more than {MAX_DEPTH} levels deep; no field needs that"
            problems.append(ContentError(shown, line, prefix.split("[")[0].split(".")[0], message))
            continue
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and (found := CONTROL.search(node.value)):
                problems.append(ContentError(shown, line, prefix, _control_message(found[0])))
        elif isinstance(node, yaml.SequenceNode):
            todo += [(f"{prefix}[{i}]", entry, depth + 1) for i, entry in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value in node.value:
                key = str(key_node.value)
                name = f"{prefix}.{key}" if prefix else key
                if key in seen:
                    key_line = first_line + key_node.start_mark.line + 1
                    problems.append(ContentError(shown, key_line, name, "is given twice; keep one"))
                seen.add(key)
                if not prefix:
                    lines[key] = first_line + key_node.start_mark.line + 1
                todo.append((name, value, depth + 1))
    return lines, sorted(problems, key=lambda problem: problem.line)


# What was left open when YAML gave up: the place it was opened is the line to fix.
_UNCLOSED = {
    "while scanning a quoted scalar": "quote",
    "while parsing a flow sequence": "list",
    "while parsing a flow mapping": "mapping",
    "while scanning a simple key": "key",
}
_SIMPLE_FIELD = re.compile(r"^([A-Za-z_][\w-]*): (.+)$")


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line (from 1) of `text` to fix for a YAML error, and the fix in plain words:
    where a quote or bracket was opened, not the end of the text where YAML noticed."""
    lines = text.split("\n")
    line_at = lambda number: lines[number] if 0 <= number < len(lines) else ""  # noqa: E731
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return 1, error.problem or str(error)
    here = line_at(mark.line)
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent or here[mark.column : mark.column + 1] == "\t":
        column = indent.index("\t") if "\t" in indent else mark.column
        where = "in indentation" if "\t" in indent else "there"
        return mark.line + 1, (
            f"a tab at column {column + 1}: indent with spaces (YAML does not allow tabs {where})"
        )
    opened = _UNCLOSED.get(error.context or "")
    if opened and error.context_mark is not None:
        start = error.context_mark
        return start.line + 1, _unclosed(opened, line_at(start.line), start.column)
    problem = error.problem or str(error)
    if problem.startswith("mapping values are not allowed"):
        return mark.line + 1, _colon_in_value(here, mark.column + 1)
    if "cannot start any token" in problem:  # @, ` and % are kept for YAML's own use
        return mark.line + 1, _reserved_start(here, mark.column)
    if problem.startswith(("did not find expected key", "expected <block end>")):
        return mark.line + 1, (
            "this line is indented differently from the lines above it; indent the entries "
            "of one list or mapping by the same number of spaces"
        )
    return mark.line + 1, problem


def _unclosed(opened: str, line: str, column: int) -> str:
    """What to add for a quote, list or mapping opened at `column` of `line` and never closed."""
    char = line[column : column + 1]
    if opened == "quote":
        return (
            f"the {char} at column {column + 1} starts a quoted value that is never closed; "
            f"add a closing {char} at the end of the value"
        )
    if opened == "key":
        return (
            "this line needs 'field: value' (a ':' and a space after the field's name); "
            "to continue the value of the line above, indent this line"
        )
    closing = {"list": "]", "mapping": "}"}[opened]
    fix = f"add {closing} after its last entry"
    if "#" not in line and closing not in line:
        fix += f": {line.strip()}{closing}"
    return f"the {char} at column {column + 1} starts a {opened} that is never closed; {fix}"


def _reserved_start(line: str, column: int) -> str:
    """`title: @home`: text starting with a character YAML keeps for itself is quoted."""
    char = line[column : column + 1]
    problem = f"a value cannot start with {char} (column {column + 1}); put it in quotes"
    field = _SIMPLE_FIELD.match(line)
    if field and column == len(field[1]) + 2:  # the whole value starts with it
        return f"{problem}: {field[1]}: {json.dumps(field[2].strip(), ensure_ascii=False)}"
    return problem


def _colon_in_value(line: str, column: int) -> str:
    """`title: Forum: the second`: a value with ': ' in it (at `column`, from 1) is quoted."""
    if (field := _SIMPLE_FIELD.match(line)) and '"' not in field[2]:
        return (
            f"the ': ' at column {column} is inside a value; put the value in quotes: "
            f'{field[1]}: "{field[2].strip()}"'
        )
    return (
        f"the ': ' at column {column} is inside a value; put the value in quotes, or if this "
        "line starts a field of its own, remove the spaces before it"
    )


def flow(value: object) -> str:
    """`value` as an editor would write it on one line: `[a, b]`, `{path: x.pdf}`, quoted
    where YAML needs it; for messages that show the right way to write a field."""
    return (
        yaml.safe_dump(
            value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=1 << 16
        )
        .removesuffix("\n...\n")
        .strip()
    )


def salvaged_number(text: str) -> int | None:
    """The `number: 2427` line of a Markdown file whose front matter YAML cannot parse,
    read on its own: the file's document number, to which references are not errors."""
    front = text.split("\n---", 1)[0]
    found = re.search(r"^number:[ \t]*([\"']?)(\d{1,18})\1[ \t]*(?:#.*)?$", front, re.MULTILINE)
    return int(found[2]) if found else None
