"""Contradiction detection: where the sources disagree, with the evidence for each flag.

`detect` runs it with the settings of `config`. Candidates are pairs of nodes about the
same thing (`candidates`); their answers are split into claims (`claims`) and aligned claim
by claim (`align`); detectors look for the cue that separates contradicting claims from
compatible ones (`rules`, `numbers`; `pair_findings` judges one pair), or for an answer
that answers another question (`divergence`, by topic coverage from `topics`); an NLI
model may confirm (`nli`). Claims are also read as propositions (`propositions`, read by
`reading` with `claim_reader` and `qualifier_words`) through a domain lexicon (`lexicon`),
put in blocks by the concept they qualify (`blocking`) and compared across questions
(`opposition`, `cross_question`). `compare` sets the answers to one question side by side
(its records in `comparison`, its groups from `answer_groups`).
"""

from __future__ import annotations

from qagraph.ingest.contradictions.config import ContradictionConfig
from qagraph.ingest.contradictions.detect import contradiction_edges, detect_contradictions
from qagraph.ingest.contradictions.pair_findings import claim_finding

__all__ = ["ContradictionConfig", "claim_finding", "contradiction_edges", "detect_contradictions"]
