"""Concept matching: find the graph's concepts in a query, typos included.

Word n-grams of the query are compared with every concept name and alias by rapidfuzz's
edit-distance ratio, so "gradiant desent" finds "gradient descent". Short forms such as
"pca" or "svm" must match exactly: one edit turns them into other words. Overlapping
matches keep the longest, so "gradient descent" wins over a bare "gradient". Query and
names are read as words by the text core (`qagraph.kb.text`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process

from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.records import Concept, QANode
from qagraph.kb.text import split_word, words

logger = logging.getLogger(__name__)

_MAX_NGRAM = 5
_EXACT_ONLY_LEN = 4  # forms this short must match exactly
_CONCEPT_PREFIX = "concept:"


def _tokens(text: str) -> list[str]:
    """The text core's words, hyphens and apostrophes kept, a code identifier split.

    Names and aliases are compared as written, hyphens included ("t-sne", "k-means"); no
    name holds an underscore, so an identifier's parts ("train_test_split") are what can
    name a concept.
    """
    return [part for word in words(text) for part in split_word(word, "_")]


class ConceptHit(NamedTuple):
    """A concept found in the query.

    Attributes:
        name: Canonical concept name.
        surface: The query words that matched.
        form: The name or alias they matched.
        score: Match strength in [0, 1] (1 for an exact match).
        start: Index of the first matched word in the normalised query.
        end: One past the last matched word.
    """

    name: str
    surface: str
    form: str
    score: float
    start: int = 0
    end: int = 0


class ConceptMatcher:
    """Fuzzy lookup of concept names and aliases, and the nodes mentioning each concept.

    Args:
        concepts: The concepts (name, aliases).
        mentions: Concept name -> ids of the nodes that mention it.
        vocabulary: Domain concepts the knowledge base may lack (a glossary); a query naming
            one that no node mentions is likely about something the store does not cover.
        cutoff: Minimum rapidfuzz ratio (0-100) for an approximate match.
    """

    def __init__(
        self,
        concepts: Iterable[Concept],
        mentions: Mapping[str, Iterable[str]],
        *,
        vocabulary: Iterable[Concept] = (),
        cutoff: float = 85.0,
    ) -> None:
        self.cutoff = cutoff
        self._forms: dict[str, str] = {}  # normalised surface form -> concept name
        # The store's own concepts first, so that their names win a shared surface form.
        for concept in (*concepts, *vocabulary):
            for form in (concept.name, *concept.aliases):
                key = " ".join(_tokens(form))
                if key:
                    self._forms.setdefault(key, concept.name)
        self._choices = sorted(self._forms)
        # A typo changes letters, not the number of words: "ordinary least squares to be"
        # must not fuzzily match "ordinary least squares", so forms are grouped by length.
        self._by_words: dict[int, list[str]] = {}
        for form in self._choices:
            self._by_words.setdefault(len(form.split()), []).append(form)
        self.mentions = {name: sorted(set(ids)) for name, ids in mentions.items()}
        n_nodes = len({i for ids in self.mentions.values() for i in ids}) or 1
        # Rarer concepts say more about which node is meant, as idf does for words.
        self.idf = {
            name: math.log(1.0 + n_nodes / len(ids)) for name, ids in self.mentions.items() if ids
        }

    @classmethod
    def from_kb(
        cls, kb: KnowledgeBase, *, vocabulary: Iterable[Concept] = (), cutoff: float = 85.0
    ) -> ConceptMatcher:
        """Read concepts and `mentions` edges; a store without concepts gives an empty matcher."""
        getter = getattr(kb, "concepts", None)
        concepts: list[Concept] = list(getter()) if callable(getter) else []
        mentions = mentions_of(kb.nodes(), kb.edges("mentions"))
        return cls(concepts, mentions, vocabulary=vocabulary, cutoff=cutoff)

    def covered(self, name: str) -> bool:
        """True when some node mentions the concept."""
        return bool(self.mentions.get(name))

    def __len__(self) -> int:
        return len(self._choices)

    def match(self, query: str, *, cutoff: float | None = None) -> list[ConceptHit]:
        """Concepts named in the query, best first, overlapping matches resolved.

        Args:
            query: The user's question.
            cutoff: Overrides the matcher's minimum ratio (lower to find "nearest" concepts).
        """
        if not self._choices:
            return []
        cutoff = self.cutoff if cutoff is None else cutoff
        tokens = _tokens(query)
        found: list[tuple[int, int, float, str, str]] = []  # (start, end, score, surface, form)
        for size in range(min(_MAX_NGRAM, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                surface = " ".join(tokens[start : start + size])
                if surface in self._forms:
                    found.append((start, start + size, 100.0, surface, surface))
                    continue
                if len(surface) <= _EXACT_ONLY_LEN:
                    continue
                best = process.extractOne(
                    surface, self._by_words.get(size, ()), scorer=fuzz.ratio, score_cutoff=cutoff
                )
                if best is not None and len(best[0]) > _EXACT_ONLY_LEN:
                    found.append((start, start + size, float(best[1]), surface, best[0]))
        # Longest span first, then the better score; a span overlapping a kept one is dropped.
        found.sort(key=lambda f: (-(f[1] - f[0]), -f[2], f[0]))
        taken: set[int] = set()
        hits: dict[str, ConceptHit] = {}
        for start, end, score, surface, form in found:
            span = set(range(start, end))
            if span & taken:
                continue
            taken |= span
            name = self._forms[form]
            if name not in hits or hits[name].score < score / 100:
                hits[name] = ConceptHit(name, surface, form, score / 100, start, end)
        return sorted(hits.values(), key=lambda h: (-h.score, h.name))

    def expand(self, query: str, hits: Sequence[ConceptHit]) -> str | None:
        """The query with each alias, acronym or misspelling replaced by the concept's name.

        "FP vs FN" becomes "false positive vs false negative", which the embedding model
        understands far better; None when no hit needs replacing.
        """
        tokens = _tokens(query)
        # Exact aliases only: a fuzzy match may be another word ("recommend" is not
        # "recommender system"), and typos are corrected by the lexical index already.
        swaps = {
            h.start: h
            for h in hits
            if h.score == 1.0 and h.surface != h.name and self.covered(h.name)
        }
        if not swaps:
            return None
        out: list[str] = []
        i = 0
        while i < len(tokens):
            hit = swaps.get(i)
            out.append(hit.name if hit else tokens[i])
            i = hit.end if hit else i + 1
        return " ".join(out)

    def node_scores(self, hits: Sequence[ConceptHit]) -> dict[str, float]:
        """Node id -> sum of match score x idf over the matched concepts it mentions."""
        scores: dict[str, float] = {}
        for hit in hits:
            weight = hit.score * self.idf.get(hit.name, 0.0)
            for node_id in self.mentions.get(hit.name, ()):
                scores[node_id] = scores.get(node_id, 0.0) + weight
        return scores


def mentions_of(nodes: Iterable[QANode], edges: Iterable) -> dict[str, list[str]]:
    """Concept name -> node ids, from `mentions` edges and the nodes' `concepts` fields."""
    mentions: dict[str, set[str]] = {}
    for node in nodes:
        for name in node.concepts:
            mentions.setdefault(name, set()).add(node.id)
    for edge in edges:
        if edge.kind == "mentions" and edge.dst.startswith(_CONCEPT_PREFIX):
            mentions.setdefault(edge.dst[len(_CONCEPT_PREFIX) :], set()).add(edge.src)
    return {name: sorted(ids) for name, ids in mentions.items()}
