"""Resolve what a user types to a concept: names, aliases, variants, acronyms and typos.

Queries and names are read by the text core (`qagraph.kb.text`) and keyed by `term_key`.
In order: the exact matching key of a name or alias (which already folds case, plurals,
hyphens and British spellings: "Random-Forests", "normalisation"); the same without a
generic last word ("max pooling layers", "SVM algorithm"); a typo-tolerant match against
names and aliases of as many words, word by word ("reguralization", "logisitc regression",
but not "standardisation" for "standard deviation"); and the first words of exactly one
concept's name ("one-hot" for "one-hot encoding"). Acronyms are aliases, so "PCA"
resolves exactly; a short query never resolves by typo, as "SVN" is more likely a
different acronym than a misspelt "SVM".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from rapidfuzz import fuzz, process

from qagraph.errors import QagraphError
from qagraph.kb.records import Concept
from qagraph.kb.terms import american, singular, term_key, term_tokens
from qagraph.kb.text import normalize, word_spans

# A query this short resolves only exactly.
_MIN_FUZZY_LEN = 5
# Long names tolerate more edits: "reguralization" (two swaps) scores 85.7 against
# "regularization", while one wrong letter in a six-letter word scores about 83.
_LONG_KEY = 10
_LONG_KEY_BONUS = 5.0
# Each word of a typo match must be this close to its counterpart.
_MIN_WORD_SCORE = 60.0
# Last words that only say what kind of thing the rest names.
_GENERIC_LAST = frozenset(
    "algorithm algorithms model models method methods technique techniques approach function "
    "functions layer layers problem problems concept concepts".split()
)
_SUGGEST_LIMIT = 5
_SUGGEST_CUTOFF = 60.0


class ConceptNotFound(QagraphError):
    """No concept matches a query; the message names the closest ones.

    Attributes:
        query: What was looked up.
        suggestions: Names of the closest concepts, best first.
    """

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no concept matches {query!r}{hint}")


class Resolution(NamedTuple):
    """How a query was resolved.

    Attributes:
        name: The concept's canonical name.
        matched: The name or alias that matched, as stored.
        how: "name", "alias", "fuzzy" (a typo) or "partial" (the first words of a name).
        score: 100 for an exact key match, else the rapidfuzz score (or share of words).
        alternatives: Other concepts the same alias names ("lda"), most mentioned first.
    """

    name: str
    matched: str
    how: str
    score: float
    alternatives: tuple[str, ...] = ()


class ConceptLookup:
    """An index of concept names and aliases by matching key.

    Args:
        concepts: The concepts.
        popularity: Number of nodes per concept name, to rank the senses of an alias.
        min_score: rapidfuzz ratio (0-100) a typo match needs; names of ten letters or
            more need five points less.
    """

    def __init__(
        self,
        concepts: Iterable[Concept],
        popularity: Mapping[str, int] | None = None,
        *,
        min_score: float = 85.0,
    ) -> None:
        self._popularity = dict(popularity or {})
        self._min_score = min_score
        self._by_key: dict[str, list[tuple[str, str]]] = {}
        for concept in concepts:
            for form in (concept.name, *concept.aliases):
                key = term_key(form)
                entries = self._by_key.setdefault(key, [])
                if key and all(name != concept.name for name, _ in entries):
                    entries.append((concept.name, form))
        for entries in self._by_key.values():
            entries.sort(key=lambda e: (-self._popularity.get(e[0], 0), e[0]))
        self._keys = {k: k for k in self._by_key if k}
        self._words = {
            key: _words(form) for key, entries in self._by_key.items() for _, form in entries[:1]
        }
        # Suggestions compare words, so spaces stay: "random jungle" is near "random forest".
        self._forms = {
            normalize(form): key
            for key, entries in self._by_key.items()
            for _, form in entries
            if key
        }

    def resolve(self, query: str) -> Resolution:
        """The concept a query means.

        Raises:
            ConceptNotFound: When nothing matches well enough; it names suggestions.
        """
        key = term_key(query)
        if key in self._by_key:
            return self._resolution(key, 100.0, exact=True)
        spans = word_spans(query)
        last_start, last_end = spans[-1] if spans else (0, 0)
        if len(spans) > 1 and normalize(query[last_start:last_end]) in _GENERIC_LAST:
            # The words before the last, as written: the key reads capitals ("CNNs").
            shorter = term_key(query[:last_start])
            if shorter in self._by_key:
                return self._resolution(shorter, 100.0, exact=True)
        if len(key) >= _MIN_FUZZY_LEN:
            found = self._typo(key, _words(query))
            if found is not None:
                return found
        found = self._prefix(_words(query))
        if found is not None:
            return found
        raise ConceptNotFound(query, self.suggest(query))

    def _typo(self, key: str, words: list[str]) -> Resolution | None:
        cutoff = self._min_score - (_LONG_KEY_BONUS if len(key) >= _LONG_KEY else 0.0)
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
        for match, score, _ in hits:
            other = self._words[match]
            if len(other) == len(words) and all(
                fuzz.ratio(a, b) >= _MIN_WORD_SCORE for a, b in zip(words, other, strict=True)
            ):
                return self._resolution(match, float(score), exact=False)
        return None

    def _prefix(self, words: list[str]) -> Resolution | None:
        """The one concept whose name or alias starts with all the query's words."""
        if not words:
            return None
        keys = [
            k for k, w in self._words.items() if len(w) > len(words) and w[: len(words)] == words
        ]
        names = {self._by_key[k][0][0] for k in keys}
        if len(names) != 1:
            return None
        (name, form), *_ = self._by_key[keys[0]]
        return Resolution(name, form, "partial", 100.0 * len(words) / len(self._words[keys[0]]))

    def suggest(self, query: str, limit: int = _SUGGEST_LIMIT) -> list[str]:
        """Names of the concepts closest to a query, best first (may be empty)."""
        text = normalize(query)
        if not term_key(query):
            return []
        names: list[str] = []
        hits = process.extract(text, self._forms, scorer=fuzz.WRatio, limit=limit * 3)
        for _, score, form in hits:
            if score < _SUGGEST_CUTOFF:
                break
            for name, _form in self._by_key[self._forms[form]]:
                if name not in names:
                    names.append(name)
        return names[:limit]

    def _resolution(self, key: str, score: float, *, exact: bool) -> Resolution:
        (name, form), *others = self._by_key[key]
        if not exact:
            how = "fuzzy"
        elif term_key(name) == key:
            how = "name"
        else:
            how = "alias"
        return Resolution(name, form, how, score, tuple(n for n, _ in others))


def _words(text: str) -> list[str]:
    """Words of a name as matching keys: lower case, American, singular."""
    return [singular(american(t)) for t in term_tokens(text)]
