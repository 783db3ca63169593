"""YAML as editors write it: parsed safely, with the line of every key, and every shape
that would hang, crash or corrupt a build refused with its line.

Refused: aliases (a few lines of nested ones expand to billions of values), nesting
deeper than any field needs, a key given twice at any depth, numbers too long to read,
and control characters, which no field needs and which break feeds and exports.
"""

from __future__ import annotations

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
    front: str, first_line: int, shown: str
) -> tuple[dict, dict[str, int]] | list[ContentError]:
    """The mapping `front` holds and the file line of each key, or what is wrong with it;
    `first_line` is the line before the YAML's first."""
    if "*" in front and (alias := _first_alias(front)) is not None:
        line, name = alias
        return [
            ContentError(
                shown,
                first_line + line + 1,
                "",
                f"uses the YAML alias *{name}; aliases are not allowed in front matter, "
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
                    "front matter must be 'field: value' lines, one field per line",
                )
            ]
        lines, problems = _read_tree(node, first_line, shown)
        if problems:
            return problems
        values = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line + 1 if mark else 1)
        return [ContentError(shown, line, "", f"front matter is not valid YAML: {_explain(error)}")]
    except yaml.YAMLError as error:
        return [ContentError(shown, first_line + 1, "", f"front matter is not valid YAML: {error}")]
    except ValueError as error:  # a number longer than Python reads (4,300 digits)
        return [
            ContentError(
                shown,
                first_line + 1,
                "",
                f"front matter holds a value that cannot be read: {error}",
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


def _explain(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or str(error)
    if "mapping values are not allowed" in problem:
        return f"{problem}; put quotes around a value that contains ': '"
    if "found character '\\t'" in problem or "\\t" in problem:
        return f"{problem}; indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return f"{problem}; every line needs 'field: value', or quote a long value"
    return problem
