"""Find the concepts a text mentions, by any of their names.

Every word n-gram of a segment is reduced to its `term_key` and looked up, longest first,
so "stochastic gradient descent" is one mention and not also one of "gradient descent"
(the broader edge already says that). A leading part is still a mention of its own
("random forest" in "random forest regression"). Coordinations are expanded: "L1 and L2
regularization" mentions both regularizations, and a short parenthesis ("L2 (Ridge)
regularization") is read around.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from qagraph.ingest.concepts.text import Token, tokenize
from qagraph.kb.terms import term_key, token_key_parts

_JOINERS = frozenset({",", "and", "or", "&"})
_ARTICLES = frozenset({"the", "a", "an"})
_MAX_PAREN = 4
# Keys this short ("ml", "tp", "l1", "svm") are acronyms: written in lower case they are
# more often something else (a unit, a variable, a word).
_SHORT_KEY = 3


class Match(NamedTuple):
    """One mention: the key found, where, and whether a coordination implied it."""

    key: str
    start: int
    surface: str
    elliptic: bool


class Matcher:
    """Looks up every n-gram of a text in a set of matching keys.

    Args:
        keys: The matching keys to find (see `term_key`), e.g. all names and aliases.
        max_words: Longest n-gram tried (six words when None).
    """

    def __init__(self, keys: Iterable[str], *, max_words: int | None = None) -> None:
        self._keys = frozenset(k for k in keys if k)
        self._max = max_words or 6

    def find(self, text: str) -> list[Match]:
        """Mentions in one segment of text, in order."""
        tokens = tokenize(text)
        main, parens = _split_parentheses(tokens)
        found = self._scan(main)
        for group in parens:
            found.extend(self._scan(group))
        return found

    def _scan(self, tokens: Sequence[Token]) -> list[Match]:
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            end = self._longest(tokens, i, self._max)
            if end is None:
                i += 1
                continue
            key = self._key(tokens[i:end])
            found.append(Match(key, i, _surface(tokens[i:end]), False))
            prefix = self._longest(tokens, i, end - i - 1)
            if prefix is not None:
                found.append(Match(self._key(tokens[i:prefix]), i, "", False))
            found.extend(self._elided(tokens, i, end))
            i = end
        return found

    def _longest(self, tokens: Sequence[Token], i: int, limit: int) -> int | None:
        if not tokens[i].word:
            return None
        # Only spans of words: stop at the first token that is not one.
        stop = i
        while stop < min(len(tokens), i + limit) and tokens[stop].word:
            stop += 1
        if stop - i > 1 and tokens[i].lower in _ARTICLES:
            return self._longest_slow(tokens, i, stop - i)
        # Each span's key from its tokens' cached parts, built once for the longest span.
        parts = [token_key_parts(t.text) for t in tokens[i:stop]]
        heads = [""]
        for head, _ in parts:
            heads.append(heads[-1] + head)
        for n in range(stop - i, 0, -1):
            key = heads[n - 1] + parts[n - 1][1]
            if key in self._keys and (len(key) > _SHORT_KEY or _has_capital(tokens[i : i + n])):
                return i + n
        return None

    def _longest_slow(self, tokens: Sequence[Token], i: int, limit: int) -> int | None:
        for n in range(limit, 0, -1):
            span = tokens[i : i + n]
            key = self._key(span)
            if key in self._keys and (len(key) > _SHORT_KEY or _has_capital(span)):
                return i + n
        return None

    def _elided(self, tokens: Sequence[Token], start: int, end: int) -> list[Match]:
        """Mentions a coordination leaves implicit before the phrase at start:end."""
        if end - start < 2:
            return []
        tail = list(tokens[start + 1 : end])
        out = []
        j = start - 1
        seen_joiner = False
        while j >= 0 and tokens[j].lower in _JOINERS:
            seen_joiner = True
            j -= 1
        while seen_joiner and j >= 0 and tokens[j].word:
            key = self._key([tokens[j], *tail])
            if key not in self._keys:
                break
            out.append(Match(key, j, _surface([tokens[j], *tail]), True))
            j -= 1
            seen_joiner = False
            while j >= 0 and tokens[j].lower in _JOINERS:
                seen_joiner = True
                j -= 1
        return out

    @staticmethod
    def _key(tokens: Sequence[Token]) -> str:
        """`term_key` of the tokens' text, from cached per-token pieces."""
        if len(tokens) > 1 and tokens[0].lower in _ARTICLES:
            return term_key(" ".join(t.text for t in tokens))
        parts = [token_key_parts(t.text) for t in tokens]
        return "".join(p[0] for p in parts[:-1]) + parts[-1][1]


def _surface(tokens: Sequence[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _has_capital(tokens: Sequence[Token]) -> bool:
    return any(c.isupper() for t in tokens for c in t.text)


def _split_parentheses(tokens: Sequence[Token]) -> tuple[list[Token], list[list[Token]]]:
    """Tokens with short parentheses taken out, and the parentheses' contents."""
    main: list[Token] = []
    groups: list[list[Token]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].text == "(":
            window = range(i + 1, min(len(tokens), i + _MAX_PAREN + 2))
            close = next((k for k in window if tokens[k].text == ")"), None)
            if close is not None:
                groups.append(list(tokens[i + 1 : close]))
                i = close + 1
                continue
        main.append(tokens[i])
        i += 1
    return main, groups
