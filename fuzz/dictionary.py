#!/usr/bin/env python3
"""Writes fuzz/asylon.dict: every literal of grammar/asylon.pest, then multi-word forms.

Run from anywhere: `python3 fuzz/dictionary.py`. tests/fuzz_dictionary.rs checks that the
dictionary has every literal of the grammar, so a new keyword cannot be forgotten.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAMMAR = (HERE.parent / "grammar" / "asylon.pest").read_text()

EXTRA = [
    '\\"', '\\\\', '\\{', '\\}', '\\n', '{', '}', 'is not', 'not in', 'is known',
    'is unknown', 'is empty', 'is not empty', 'days from', 'days since', 'at least',
    'at most', 'list of', 'effective from', 'effective until', 'as of', 'does not hold',
    'ask en "', 'title en "', 'explain en "', 'message en "', ' es "', ' pt-BR "',
    '{entry.date}', '2024-06-17', '1 year', '60 days', 'string matching "', 'policy "',
    'version "', 'source "', 'test "', 'given {', 'expect', 'exception', 'to', 'unless',
    'gives', 'en', 'es',
    # The keywords whole: the grammar spells them in pieces grouped by first letter
    # (`"a" ~ ("nd" | "t")`), and a piece alone teaches the fuzzer little.
    'and', 'at', 'contains', 'days', 'day', 'empty', 'else', 'false', 'from', 'gives',
    'is', 'in', 'if', 'known', 'list', 'least', 'matching', 'most', 'months', 'month',
    'not', 'or', 'of', 'since', 'true', 'today', 'then', 'unknown', 'unless', 'when',
    'years', 'year',
]


def literals(grammar):
    """The double-quoted literals of a pest grammar, outside `//` comments, unescaped."""
    out, i = [], 0
    while i < len(grammar):
        if grammar.startswith("//", i):
            i = grammar.index("\n", i)
            continue
        if grammar[i] == '"':
            j, buf = i + 1, ""
            while grammar[j] != '"':
                if grammar[j] == "\\":
                    buf += grammar[j:j + 2]
                    j += 2
                else:
                    buf += grammar[j]
                    j += 1
            out.append(buf)
            i = j + 1
            continue
        i += 1
    values = []
    for lit in out:
        if lit.startswith("\\u"):
            continue
        value = lit.replace('\\"', '"').replace("\\\\", "\\").replace("\\n", "\n")
        value = value.replace("\\t", "\t").replace("\\r", "\r")
        if value.strip() and value not in values:
            values.append(value)
    return values


def entry(value):
    escaped = "".join(
        "\\\\" if c == "\\" else '\\"' if c == '"' else "\\x0A" if c == "\n" else c
        for c in value
    )
    return f'"{escaped}"'


HEADER = """# libFuzzer dictionary for the policy targets (parse, check, fmt): every literal of
# grammar/asylon.pest (keywords, operators, punctuation), then multi-word forms,
# escapes, clauses with their language and sample values. Regenerate the first part
# with `python3 fuzz/dictionary.py` when the grammar gains a word (tests/fuzz_dictionary.rs
# checks that it has every literal).
"""

values = literals(GRAMMAR)
values += [v for v in EXTRA if v not in values]
(HERE / "asylon.dict").write_text(HEADER + "\n".join(entry(v) for v in values) + "\n")
