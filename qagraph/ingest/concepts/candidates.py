"""Candidate concept names: noun phrases of every node, counted across the corpus.

The chunker cuts each segment into runs of words that may sit in a noun phrase (see
`words.word_class`) and proposes every sub-phrase of up to `max_words` words that ends on
a noun. Counting them over all nodes is what later tells a term ("gradient descent", in
twelve nodes) from a chance word sequence ("performs gradient descent", in one).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from qagraph.ingest.concepts.text import Token, node_segments, tokenize
from qagraph.ingest.concepts.words import GENERIC_HEADS, GENERIC_NOUNS, is_generic, word_class
from qagraph.kb.records import QANode
from qagraph.kb.terms import all_lemmas, term_key

logger = logging.getLogger(__name__)

_CONJUNCTIONS = frozenset({"and", "or"})
# Words before a verb ("we preprocess", "can fine-tune") and after one ("preprocess the").
_BEFORE_VERB = frozenset(
    "i you we they to can could will would should must may might please let's don't".split()
)
_AFTER_VERB = frozenset("the a an this these those your our their its my his her them it".split())


@dataclass(slots=True)
class Candidate:
    """Everything seen of one candidate key across the corpus.

    Attributes:
        key: The matching key (`term_key`) shared by all its spellings.
        surfaces: Spellings as written, with counts.
        nodes: Indexes of the nodes it occurs in.
        question_nodes: Indexes of the nodes whose question holds it.
        words: Number of words.
        capitalized: Occurrences written in capitals mid-sentence ("Random Forest", "PCA").
        lowercase: Occurrences written in lower case.
        elliptic_nodes: Nodes where it occurs only inside a coordination ("L1 and L2
            regularization" gives "l1 regularization"), which alone does not attest it.
        verb_like: Occurrences used as a verb phrase ("we preprocess", "fine-tune a").
    """

    key: str
    words: int
    surfaces: Counter[str] = field(default_factory=Counter)
    nodes: set[int] = field(default_factory=set)
    question_nodes: set[int] = field(default_factory=set)
    capitalized: int = 0
    lowercase: int = 0
    elliptic_nodes: set[int] = field(default_factory=set)
    verb_like: int = 0

    @property
    def count(self) -> int:
        """Occurrences, all spellings together."""
        return sum(self.surfaces.values())

    @property
    def best_surface(self) -> str:
        """The most frequent spelling, lower case unless it is an acronym."""
        return self.surfaces.most_common(1)[0][0]


def collect_candidates(nodes: Sequence[QANode], *, max_words: int = 4) -> dict[str, Candidate]:
    """Count the candidate phrases of every node.

    Args:
        nodes: The nodes of the corpus.
        max_words: Longest phrase proposed.

    Returns:
        Candidates by key.
    """
    found: dict[str, Candidate] = {}
    for index, node in enumerate(nodes):
        for segment in node_segments(node):
            tokens = tokenize(segment.text)
            for start, end in _phrase_spans(tokens, max_words):
                cand = _add(found, tokens[start:end], index, segment.question, start == 0, False)
                if cand is not None and _verb_context(tokens, start, end):
                    cand.verb_like += 1
            for words in _elliptic_phrases(tokens):
                _add(found, words, index, segment.question, False, True)
    logger.debug("%d candidate phrases in %d nodes", len(found), len(nodes))
    return found


def _add(
    found: dict[str, Candidate],
    tokens: Sequence[Token],
    index: int,
    question: bool,
    sentence_start: bool,
    elliptic: bool,
) -> Candidate | None:
    surface = " ".join(t.text for t in tokens)
    key = term_key(surface)
    if not key:
        return None
    cand = found.get(key)
    if cand is None:
        cand = found[key] = Candidate(key=key, words=len(tokens))
    cand.surfaces[_display(tokens)] += 1
    if elliptic:
        if index not in cand.nodes:
            cand.elliptic_nodes.add(index)
    else:
        cand.elliptic_nodes.discard(index)
    cand.nodes.add(index)
    if question:
        cand.question_nodes.add(index)
    if not sentence_start and all(t.text[0].isupper() for t in tokens):
        cand.capitalized += 1
    elif tokens[0].text[0].islower():
        cand.lowercase += 1
    return cand


def _verb_context(tokens: Sequence[Token], start: int, end: int) -> bool:
    """True when the phrase reads as a verb phrase: "to extract features", "we preprocess"."""
    if "VERB" not in all_lemmas(tokens[start].lower.rsplit("-", 1)[-1]):
        return False  # "leads to overfitting": a word that cannot be a verb is no verb
    first = tokens[start].lower
    before = tokens[start - 1].lower if start > 0 else ""
    after = tokens[end].lower if end < len(tokens) else ""
    if before == "to" and first.endswith(("ing", "ed", "s")):
        return False  # "applies to clustering", "to labeled data": not an infinitive
    return before in _BEFORE_VERB or (end - start == 1 and after in _AFTER_VERB)


def _display(tokens: Sequence[Token]) -> str:
    """Lower case, except words written with two capitals or more ("PCA", "ReLU")."""
    return " ".join(t.text if sum(c.isupper() for c in t.text) >= 2 else t.lower for t in tokens)


def _phrase_spans(tokens: Sequence[Token], max_words: int) -> list[tuple[int, int]]:
    spans = []
    run_start = None
    for i, token in enumerate([*tokens, Token(".", ".", False)]):
        inside = token.word and word_class(token.lower).modifier
        if inside and run_start is None:
            run_start = i
        elif not inside and run_start is not None:
            spans.extend(_sub_spans(tokens, run_start, i, max_words))
            run_start = None
        if token.possessive and run_start is not None:
            # "Netflix's core values": the owner and the thing owned are two phrases.
            spans.extend(_sub_spans(tokens, run_start, i + 1, max_words))
            run_start = None
    return spans


def _sub_spans(tokens: Sequence[Token], start: int, end: int, max_words: int) -> list[tuple]:
    spans = []
    for j in range(start + 1, end + 1):
        head = tokens[j - 1].lower
        if not word_class(head).noun:
            continue
        for i in range(max(start, j - max_words), j):
            words = [t.lower for t in tokens[i:j]]
            if _acceptable(words):
                spans.append((i, j))
    return spans


def _acceptable(words: list[str]) -> bool:
    if is_generic(words):
        return False
    if len(words) == 1:
        return len(words[0]) > 1 and not words[0].isdigit()
    # "example cross-validation", "regularization methods": the generic word adds nothing.
    return words[0] not in GENERIC_NOUNS and words[-1] not in GENERIC_HEADS


def _elliptic_phrases(tokens: Sequence[Token]) -> list[list[Token]]:
    """Phrases a coordination leaves implicit: "L1 and L2 regularization" -> "L1 regularization".

    The pattern is single modifiers joined by commas and and/or in front of a phrase of
    two words or more; each modifier takes the place of the phrase's first word.
    """
    out = []
    for i, token in enumerate(tokens):
        if token.lower not in _CONJUNCTIONS:
            continue
        tail = _run_after(tokens, i + 1)
        if len(tail) < 2:
            continue
        j = i - 1
        while j >= 0 and tokens[j].lower == ",":
            j -= 1
        while j >= 0 and tokens[j].word and word_class(tokens[j].lower).modifier:
            if j > 0 and tokens[j - 1].word and word_class(tokens[j - 1].lower).modifier:
                break  # a multi-word conjunct is a full phrase, nothing is elided
            out.append([tokens[j], *tail[1:]])
            j -= 1
            if j >= 1 and tokens[j].lower == ",":
                j -= 1
            else:
                break
    return out


def _run_after(tokens: Sequence[Token], start: int) -> list[Token]:
    run = []
    for token in tokens[start:]:
        if not (token.word and word_class(token.lower).modifier):
            break
        run.append(token)
    while run and not word_class(run[-1].lower).noun:
        run.pop()
    return run
