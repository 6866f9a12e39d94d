"""Claim pairs across questions, blocked by concept: who says what about the same thing.

Two answers to different questions may still disagree ("a random forest reduces
overfitting as trees are added" under "how many trees?", "more trees may even overfit"
under "will accuracy keep increasing?"). Comparing every claim with every other is
quadratic, so claims are put in blocks by what they qualify, as `opposition` keys them:
an axis and a concept ("amount of overfitting", "feature reduction of PCA"), or an axis,
a word and the claim's subject concept ("amount of value" said of "learning rate"). Two
claims can only disagree on a key they share, so only claims of one block are compared.
A concept most of the corpus mentions ("machine learning") blocks nothing, and blocks are
capped, so the work stays near-linear in the number of claims.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from qagraph.ingest.contradictions.claims import Claim
from qagraph.ingest.contradictions.propositions import Proposition

logger = logging.getLogger(__name__)


class ClaimRef(NamedTuple):
    """One claim of one node, with its reading."""

    node: str
    claim: Claim
    prop: Proposition


class ClaimPair(NamedTuple):
    """Two claims of two nodes sharing a block."""

    a: ClaimRef
    b: ClaimRef
    block: str


def block_keys(prop: Proposition, concepts: frozenset[str]) -> set[str]:
    """The blocks of a claim: "axis|concept" for a qualifier of a concept, and
    "axis|word|subject" for a qualifier of a plain word in a claim whose subject is a
    concept."""
    keys = set()
    for signal in prop.signals:
        target = signal.target or prop.subject
        if target in concepts:
            keys.add(f"{signal.axis}|{target}")
        elif target and prop.subject in concepts:
            keys.add(f"{signal.axis}|{target}|{prop.subject}")
    return keys


def generic_concepts(
    refs: Iterable[ClaimRef], concepts: frozenset[str], n_nodes: int, max_share: float
) -> frozenset[str]:
    """Concepts mentioned by more than `max_share` of the nodes (at least 20)."""
    nodes_of: dict[str, set[str]] = {}
    for ref in refs:
        for name in ref.prop.concepts:
            if name in concepts:
                nodes_of.setdefault(name, set()).add(ref.node)
    limit = max(20, int(max_share * n_nodes))
    return frozenset(name for name, nodes in nodes_of.items() if len(nodes) > limit)


def blocked_pairs(
    refs: Sequence[ClaimRef],
    concepts: frozenset[str],
    *,
    n_nodes: int,
    max_share: float = 0.1,
    max_block: int = 60,
    allowed: Mapping[tuple[str, str], bool] | None = None,
) -> list[ClaimPair]:
    """Pairs of claims of different nodes that share a block, each pair once.

    Args:
        refs: Every claim with its reading.
        concepts: Names of the knowledge graph's concepts.
        n_nodes: Number of answered nodes (for the generic-concept limit).
        max_share: A concept in more than this share of the nodes blocks nothing.
        max_block: Claims kept per block (the first ones in corpus order).
        allowed: When given, only node pairs (in either order) it maps to True.

    Returns:
        Pairs in a deterministic order.
    """
    generic = generic_concepts(refs, concepts, n_nodes, max_share)
    blocks: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        for key in sorted(block_keys(ref.prop, concepts)):
            if any(part in generic for part in key.split("|")[1:]):
                continue
            blocks.setdefault(key, []).append(i)
    seen: set[tuple[int, int]] = set()
    out: list[ClaimPair] = []
    capped = Counter()
    for key in sorted(blocks):
        members = blocks[key]
        if len(members) > max_block:
            capped[key] = len(members)
            members = members[:max_block]
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if refs[i].node == refs[j].node or (i, j) in seen:
                    continue
                if allowed is not None and not (
                    allowed.get((refs[i].node, refs[j].node))
                    or allowed.get((refs[j].node, refs[i].node))
                ):
                    continue
                seen.add((i, j))
                out.append(ClaimPair(refs[i], refs[j], key))
    if capped:
        logger.info("claim blocks capped at %d claims: %s", max_block, dict(capped))
    logger.debug("%d blocked claim pairs in %d blocks", len(out), len(blocks))
    return out
