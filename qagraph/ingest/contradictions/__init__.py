"""Contradiction detection: where the sources disagree, with the evidence for each flag.

Candidates are pairs of nodes about the same thing (`candidates`); their answers are split
into claims (`claims`) and aligned claim by claim (`align`); detectors look for the cue
that separates contradicting claims from compatible ones (`rules`, `numbers`), or for an
answer that answers another question (`divergence`); an NLI model may confirm (`nli`).
Claims are also read as propositions (`propositions`) through a domain lexicon
(`lexicon`), put in blocks by the concept they qualify (`blocking`) and compared across
questions (`opposition`). `compare` sets the answers to one question side by side.
"""

from __future__ import annotations

from qagraph.ingest.contradictions.detect import (
    ContradictionConfig,
    claim_finding,
    contradiction_edges,
    detect_contradictions,
)

__all__ = ["ContradictionConfig", "claim_finding", "contradiction_edges", "detect_contradictions"]
