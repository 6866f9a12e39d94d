"""Reading a claim as a proposition (`read_proposition`): subject, predicate, qualifiers.

A proposition is what two claims are compared by when they answer different questions:
its subject (the first concept the clause names, found by the knowledge graph's names and
aliases), its predicate (the first verb after the subject, by lemminflect's parts of
speech), whether that predicate is negated, and its qualifiers, read through the lexicon
(`qagraph.ingest.contradictions.lexicon`) as signals: "more"/"less" of a thing
("increases variance", "reduces overfitting", "a high learning rate"), a pole of an axis
("local optimum", "unsupervised", "bagging"), and whether the claim holds always
("always", "guarantees") or can fail ("can get stuck", "not always").

A signal is tied to what it is about: an amount to the thing after it ("the number of
trees"), a pole to the subject of its clause ("PCA is unsupervised, while LDA is
supervised" gives PCA one pole and LDA the other). In a list, the sentence that leads
into it ("Methods of feature selection:") gives its pole to every item's concept; in a
table cell ("Feature extraction, techniques: PCA, LDA") the row gives it to the concepts
of the value, or the value to the row's concept.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from qagraph.ingest.contradictions.claim_reader import ClaimReader
from qagraph.ingest.contradictions.lexicon import Lexicon
from qagraph.ingest.contradictions.propositions import ConceptNames, Proposition
from qagraph.ingest.contradictions.qualifier_words import can_be_verb
from qagraph.ingest.contradictions.words import (
    NEGATIONS,
    STOP_WORDS,
    content_lemmas,
    is_content,
    lemma,
)

_NO_CONCEPTS = ConceptNames()


def _predicate(words: Sequence[str], after: int) -> tuple[str, bool]:
    negated = False
    for k in range(after, min(len(words), after + 8)):
        word = words[k]
        if word in NEGATIONS:
            negated = True
            continue
        if word in STOP_WORDS and word not in {"is", "are", "be", "was", "were", "has", "have"}:
            continue
        if can_be_verb(word):
            return lemma(word), negated
    return "", negated


def _split_cell(text: str) -> tuple[str, str] | None:
    head, sep, value = text.partition(": ")
    if not sep or ", " not in head:
        return None
    return head, value


@functools.lru_cache(maxsize=65536)
def read_proposition(
    text: str,
    lead: str = "",
    kind: str = "sentence",
    names: ConceptNames = _NO_CONCEPTS,
    lexicon: Lexicon | None = None,
) -> Proposition:
    """Read one claim as a proposition.

    Args:
        text: The claim.
        lead: For a list item, the sentence that leads into its list ("Methods of X:").
        kind: "sentence", "item" or "cell" (see `claims.Claim`).
        names: The concepts to find.
        lexicon: The lexicon (default: the built-in one).
    """
    if lexicon is None:
        from qagraph.ingest.contradictions.lexicon import default_lexicon

        lexicon = default_lexicon()
    reader = ClaimReader(text, names, lexicon)
    concepts = tuple(dict.fromkeys(m[0] for m in reader.mentions))
    signals, universal, fallible = reader.signals(reader.clause_subject())
    cell = _split_cell(text) if kind == "cell" else None
    if cell is not None:
        # "Feature extraction, techniques: PCA, LDA": the row's poles go to the value's
        # concepts; the value's poles to the row's concept.
        entity, attribute = cell[0].split(", ", 1)
        head, value = (ClaimReader(part, names, lexicon) for part in cell)
        row = ClaimReader(entity, names, lexicon)
        head_subject = head.subject_of(0, len(head.words))
        value_concepts = [m[0] for m in value.mentions]
        signals = []
        # Only the row's label puts the value in a class; the column names a property.
        for sig in row.signals(lambda c: "")[0]:
            if sig.axis == "amount":
                continue
            signals.extend(sig._replace(target=c) for c in value_concepts)
        signals.extend(value.signals(value.clause_subject(head_subject))[0])
    if lead:
        # A list item: the lead's poles go to the item's concepts ("Unsupervised methods:
        # - clustering").
        lead_reader = ClaimReader(lead, names, lexicon)
        item_concepts = list(concepts) or []
        for sig in lead_reader.signals(lambda c: "")[0]:
            if sig.axis != "amount":
                signals.extend(sig._replace(target=c) for c in item_concepts[:3])
    subject_end = 0
    subject = ""
    mentions = [m for m in reader.mentions if not reader._qualifier(m[1], m[2])]
    if mentions:
        subject, _, subject_end = mentions[0]
    elif reader.words:
        first = next((w for w in reader.words if is_content(w)), "")
        subject = lemma(first) if first else ""
    predicate, negated = _predicate(reader.words, subject_end)
    return Proposition(
        text=text,
        subject=subject,
        predicate=predicate,
        negated=negated,
        concepts=concepts,
        signals=tuple(dict.fromkeys(signals)),
        universal=universal,
        fallible=fallible,
        content=content_lemmas(text),
    )
