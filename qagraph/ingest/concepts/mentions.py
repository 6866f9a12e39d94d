"""Which concepts each node mentions, with an ambiguous alias resolved by its context.

An alias two glossary entries share ("LDA": linear discriminant analysis or latent
Dirichlet allocation) means, in order of preference: the entry the same node names
unambiguously, the one its source does, or the one whose description is closest in
meaning to the node.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qagraph.ingest.concepts.matcher import Matcher
from qagraph.ingest.concepts.text import node_segments
from qagraph.kb.records import QANode

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class NodeMention:
    """How one node mentions one concept group."""

    in_question: bool = False
    count: int = 0
    first: int = 1 << 30


def find_mentions(
    nodes: Sequence[QANode],
    group_of_key: Mapping[str, str],
    ambiguous: Mapping[str, Sequence[str]],
) -> tuple[list[dict[str, NodeMention]], list[dict[str, NodeMention]]]:
    """Mentions of every node: resolved ones by group, ambiguous ones by key.

    Args:
        nodes: The nodes.
        group_of_key: Group id of every matching key to look for.
        ambiguous: Keys that may mean several groups.

    Returns:
        Per node, the mentions by group id, and the ambiguous mentions by key.
    """
    matcher = Matcher([*group_of_key, *ambiguous], max_words=8)
    resolved: list[dict[str, NodeMention]] = []
    unresolved: list[dict[str, NodeMention]] = []
    for node in nodes:
        found: dict[str, NodeMention] = {}
        open_keys: dict[str, NodeMention] = {}
        position = 0
        for segment in node_segments(node):
            for match in matcher.find(segment.text):
                position += 1
                if match.key in ambiguous:
                    target = open_keys.setdefault(match.key, NodeMention())
                else:
                    target = found.setdefault(group_of_key[match.key], NodeMention())
                _count(target, segment.question, position, match.surface)
        resolved.append(found)
        unresolved.append(open_keys)
    return resolved, unresolved


def _count(target: NodeMention, question: bool, position: int, surface: str) -> None:
    # A prefix match inside a longer name ("random forest" in "random forest regression")
    # has no surface of its own; it counts as a mention but not as a separate occurrence.
    target.count += 1 if surface else 0
    target.count = max(target.count, 1)
    target.in_question = target.in_question or question
    target.first = min(target.first, position)


def resolve_ambiguous(
    nodes: Sequence[QANode],
    resolved: list[dict[str, NodeMention]],
    unresolved: list[dict[str, NodeMention]],
    ambiguous: Mapping[str, Sequence[str]],
    group_of_name: Mapping[str, str],
    similarity: Callable[[int, str], float],
) -> int:
    """Move each ambiguous mention to the group its context points to.

    Args:
        nodes: The nodes.
        resolved: Mentions by group, per node; updated in place.
        unresolved: Ambiguous mentions by key, per node.
        ambiguous: The glossary names each ambiguous key may mean.
        group_of_name: Group id of each glossary name.
        similarity: similarity(node index, group id), the last resort.

    Returns:
        How many mentions were resolved.
    """
    by_source: dict[str, set[str]] = {}
    for node, found in zip(nodes, resolved, strict=True):
        by_source.setdefault(node.source, set()).update(found)
    done = 0
    for index, (node, open_keys) in enumerate(zip(nodes, unresolved, strict=True)):
        for key, mention in open_keys.items():
            options = [group_of_name[n] for n in ambiguous[key] if n in group_of_name]
            if not options:
                continue
            chosen = _choose(index, options, resolved[index], by_source[node.source], similarity)
            target = resolved[index].setdefault(chosen, NodeMention())
            target.count += mention.count
            target.in_question = target.in_question or mention.in_question
            target.first = min(target.first, mention.first)
            done += 1
    return done


def _choose(
    index: int,
    options: list[str],
    in_node: Mapping[str, NodeMention],
    in_source: set[str],
    similarity: Callable[[int, str], float],
) -> str:
    for scope in (in_node, in_source):
        named = [g for g in options if g in scope]
        if len(named) == 1:
            return named[0]
    scores = np.array([similarity(index, g) for g in options])
    return options[int(np.argmax(scores))]
