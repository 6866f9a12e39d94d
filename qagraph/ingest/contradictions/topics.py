"""`Topics`: how well each answer covers what its question asks about, by the graph.

An answer covers its question when it names one of the question's concepts or a narrower
one (a table of sigmoid, ReLU and softmax answers "types of activation functions"), else
by how many of the question's rarer words it uses; an answer to another question fits
that other question better than its own (`Topics.misfit`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from qagraph.ingest.contradictions.claims import answer_segments
from qagraph.ingest.contradictions.propositions import ConceptNames
from qagraph.ingest.contradictions.words import content_lemmas, tokens
from qagraph.ingest.neighbours import search, vector_index
from qagraph.kb.records import QANode, normalize_question

# Words every question uses: never what a question is about.
_QUESTION_WORDS = frozenset(
    """
    explain describe difference differences compare work works way ways use used type types
    mean means example examples give know would build design main good best different
    happen happens need needs tell define definition machine learning data model models
    system systems algorithm algorithms approach method methods technique techniques
    problem problems
    """.split()
)


class Topics:
    """How well each answer covers what its question asks about.

    Args:
        nodes: Every answered node (for word rarity, and the questions an answer may fit).
        names: The knowledge graph's concepts.
        narrower: Concept name -> names of the concepts directly narrower than it.
        generic: Concepts too common to name a question's topic.
        questions: Unit vectors of the nodes' questions, one row per node of `nodes`;
            without them `misfit` is 0.
    """

    def __init__(
        self,
        nodes: Sequence[QANode],
        names: ConceptNames,
        narrower: Mapping[str, Iterable[str]],
        generic: frozenset[str] = frozenset(),
        questions: np.ndarray | None = None,
    ) -> None:
        self._nodes = list(nodes)
        self._row = {n.id: i for i, n in enumerate(self._nodes)}
        # Each question's normal form as a number, once: `misfit` compares an answer with
        # every question, and normalising them all on each call made ingest quadratic.
        forms: dict[str, int] = {}
        self._form = np.array(
            [forms.setdefault(normalize_question(n.question), len(forms)) for n in self._nodes],
            dtype=np.int64,
        )
        self._questions = questions
        self._index: Any = None  # a FAISS index of `questions`, built on first `misfit`
        self._memo: dict[tuple[str, str, str, str], float] = {}
        self._names = names
        self._narrower = {k: frozenset(v) for k, v in narrower.items()}
        self._generic = generic
        df: Counter[str] = Counter()
        self._with: dict[str, set[str]] = {}
        for node in nodes:
            words = content_lemmas(node.question + " " + " ".join(answer_texts(node)))
            df.update(words)
            for word in words:
                self._with.setdefault(word, set()).add(node.id)
        n = max(1, len(nodes))
        self._idf = {w: math.log((1 + n) / (1 + c)) for w, c in df.items()}
        self._default_idf = math.log(1 + n)

    def _concepts(self, text: str) -> set[str]:
        return {m[0] for m in self._names.find(tokens(text))}

    def coverage(self, node: QANode) -> float:
        """1 when the answer names one of its question's concepts (or a narrower one),
        else the rarity-weighted share of the question's words the answer uses."""
        key = ("coverage", node.id, node.question, node.answer)
        if key not in self._memo:
            self._memo[key] = self._coverage(node)
        return self._memo[key]

    def _coverage(self, node: QANode) -> float:
        answer = " ".join(answer_texts(node))
        asked = self._concepts(node.question) - self._generic
        if asked:
            said = self._concepts(answer)
            reach = set(asked)
            for name in asked:
                reach |= self._narrower.get(name, frozenset())
            if said & reach:
                return 1.0
        words = content_lemmas(node.question) - _QUESTION_WORDS
        if not words:
            return 1.0
        used = content_lemmas(answer)
        total = sum(self._idf.get(w, self._default_idf) for w in words)
        if total <= 0.0:
            return 1.0  # only words every node uses: nothing says what the question is about
        return sum(self._idf.get(w, self._default_idf) for w in words & used) / total

    def associated(self, node: QANode) -> float:
        """The rarity-weighted share of the question's words that the answer uses, or
        that go with a word of the answer in at least two other nodes, half the time or
        more ("tree" with "node" and "split"): how much the answer is about its question's
        topic in words the corpus itself ties to it."""
        key = ("associated", node.id, node.question, node.answer)
        if key not in self._memo:
            self._memo[key] = self._associated(node)
        return self._memo[key]

    def _associated(self, node: QANode) -> float:
        words = content_lemmas(node.question) - _QUESTION_WORDS
        if not words:
            return 1.0
        used = content_lemmas(" ".join(answer_texts(node)))
        total = sum(self._idf.get(w, self._default_idf) for w in words)
        if total <= 0.0:
            return 1.0  # only words every node uses: nothing says what the question is about
        hit = 0.0
        for word in words:
            if word in used or self._goes_with(word, used, node.id):
                hit += self._idf.get(word, self._default_idf)
        return hit / total

    def _goes_with(self, word: str, used: Iterable[str], own: str) -> bool:
        mine = self._with.get(word, set()) - {own}
        if not mine:
            return False
        for other in used:
            theirs = self._with.get(other, set()) - {own}
            both = len(mine & theirs)
            if both >= 2 and both >= 0.5 * min(len(mine), len(theirs)):
                return True
        return False

    def misfit(self, node: QANode, answer: np.ndarray) -> float:
        """How much better the answer (`answer`, its mean vector) fits the best other
        question of the corpus than its own: an answer to another question fits that one."""
        if self._questions is None or node.id not in self._row:
            return 0.0
        key = ("misfit", node.id, node.question, node.answer)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = self._misfit(node, answer)
        return self._memo[key]

    def _misfit(self, node: QANode, answer: np.ndarray) -> float:
        assert self._questions is not None
        row = self._row[node.id]
        if self._index is None:
            self._index = vector_index(self._questions)
        n, k = len(self._nodes), 8
        # The nearest questions (FAISS) rather than all of them; more when the nearest are
        # all this question asked again. Exact cosines (numpy) decide among those found.
        while True:
            _, ids = search(self._index, answer[None, :], k)
            ids = ids[0][ids[0] >= 0]
            sims = self._questions[np.concatenate([[row], ids])] @ answer
            own, found = float(sims[0]), sims[1:]
            # Other questions only: not this one, nor the same question asked elsewhere.
            others = found[self._form[ids] != self._form[row]]
            if others.size or k >= n:
                break
            k = min(2 * k, n)
        best = float(others.max()) if others.size else own
        return best - own


def answer_texts(node: QANode) -> tuple[str, ...]:
    """The texts an answer's vector is the mean of: its segments, questions included."""
    return answer_segments(node.answer)
