"""Finds what a Vietnamese user must never see in the bot's output: tracebacks, Python reprs, English.

Used by the scripted newcomer session (tests/bot/test_newcomer_session.py) and the CLI tests.
Directive quotations, commands, file paths, codes and our fixed technical tokens are not
English sentences; a line is flagged as English when it holds several common English words
and no Vietnamese letter.
"""

from __future__ import annotations

import re

REPR_PATTERNS = (
    (re.compile(r"Traceback \(most recent call last\)"), "traceback"),
    (re.compile(r"^\s*(usage|error|warning|options):", re.M | re.I), "English label"),
    (re.compile(r'^\s*File "[^"]+", line \d+', re.M), "traceback frame"),
    (re.compile(r"\b[A-Z]\w*(Error|Exception)\b(: |$)", re.M), "exception name"),
    (re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>"), "object repr"),
    (re.compile(r"\((?:[A-Z][a-z]+){2,}\)"), "Python class name"),  # "(BadZipFile)"
    (re.compile(r"(?<![\w/])\{\}|\[\]|\(\)(?!\w)"), "empty container repr"),
    (re.compile(r"\{'[^']*': "), "dict repr"),
    (re.compile(r"\[('[^']*'(, )?)+\]"), "list repr"),
    (re.compile(r"\b(None|True|False)\b"), "Python constant"),
    (re.compile(r"\b\w+\(\w+=[^)]*\)"), "dataclass repr"),
    (re.compile(r"datetime\.(datetime|date)\("), "datetime repr"),
    # The README's "Words we use": the province role is "cán bộ tỉnh", one word everywhere.
    (re.compile(r"giám sát tỉnh|cán bộ phụ trách tỉnh|cán bộ giám sát", re.I), "old word (see Words we use)"),
)

# Words frequent in English prose and absent from Vietnamese (diacritics-free words such as
# "an", "to", "do" are Vietnamese too, so they are not listed).
ENGLISH_WORDS = frozenset("""
the and or of is are was were be been not no with without for from into this that these those
which who what when where why how there their they them its it's you your we our has have had
please choose give needs need must should could would will can cannot can't does doesn't don't
file files found missing invalid error failed unknown usage required argument arguments options
show help exit command commands period periods officer officers commune communes province
provinces added updated unchanged skipped queued sent blocked retried done nothing audience
recipients notice message messages report reports form forms role roles name phone number
""".split())
# Short words that are Vietnamese too ("an", "to", "do"): English only next to other English words.
WEAK_WORDS = frozenset({"a", "an", "to", "in", "on", "at", "by", "do", "as", "if"})
VIETNAMESE_LETTERS = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
WORD = re.compile(r"[A-Za-z']+")


# Paths, file names, options and identifiers are not prose.
NOT_PROSE = re.compile(r"\S*[/\\]\S*|\S+\.\w{2,4}\b|--?[\w-]+|\w+_\w+|\w+-\w+(-\w+)*")
LIST_OF_NAMES = re.compile(r"[\w|]+(\s*,\s*[\w|]+)+")
CLAUSE = re.compile(r"[:;.!?()\[\]“”\"]+")


def english_line(line: str) -> bool:
    """A line holding an English clause (3+ common English words, no Vietnamese letter in it).

    Clauses are checked one by one, so "Không cấp được: an officer needs a commune" is caught.
    """
    for clause in CLAUSE.split(NOT_PROSE.sub(" ", line)):
        if VIETNAMESE_LETTERS.search(clause) or LIST_OF_NAMES.fullmatch(clause.strip()):
            continue  # Vietnamese, or a list of names (commands, choices): not a sentence
        words = [w.lower() for w in WORD.findall(clause)]
        strong = sum(w in ENGLISH_WORDS for w in words)
        weak = sum(w in WEAK_WORDS for w in words)
        if strong >= 3 or (strong >= 1 and strong + weak >= 3) or (len(words) <= 4 and strong >= 2):
            return True
    return False


def problems(output: str) -> list[str]:
    """Every offending line with what is wrong with it (empty: clean)."""
    found = []
    for line in output.splitlines():
        for pattern, what in REPR_PATTERNS:
            if pattern.search(line):
                found.append(f"{what}: {line.strip()[:200]}")
                break
        else:
            if english_line(line):
                found.append(f"English: {line.strip()[:200]}")
    return found
