"""From groups and mentions to the stored records: concepts, mentions and filled nodes.

Broader links come from the glossary and from head nouns: a concept whose name ends with
the name of another ("l1 regularization", "k-means clustering") is narrower than it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import NamedTuple

from qagraph.ingest.concepts.glossary import Glossary
from qagraph.ingest.concepts.groups import Groups
from qagraph.ingest.concepts.mentions import NodeMention
from qagraph.ingest.concepts.select import group_name
from qagraph.kb.records import Concept, QANode
from qagraph.kb.terms import term_key

logger = logging.getLogger(__name__)


class Mention(NamedTuple):
    """A node mentioning a concept.

    Attributes:
        node: Node id.
        concept: Concept name.
        weight: 1.0 when the question names it, less for answer-only mentions.
        in_question: The question names it.
        count: Occurrences in the node.
    """

    node: str
    concept: str
    weight: float
    in_question: bool
    count: int


def mention_weight(mention: NodeMention) -> float:
    """1.0 for a concept the question names; 0.5 to 1.0 by count for answer-only ones."""
    if mention.in_question:
        return 1.0
    return min(1.0, 0.5 + 0.25 * (mention.count - 1))


def build_records(
    nodes: Sequence[QANode],
    groups: Groups,
    resolved: Sequence[dict[str, NodeMention]],
    glossary: Glossary,
    names: set[str] = frozenset(),
) -> tuple[list[Concept], list[Mention], list[QANode]]:
    """Concept records, one mention per (node, concept), and nodes with concepts filled.

    Args:
        nodes: The nodes.
        groups: The concept groups.
        resolved: Mentions by group id, per node.
        glossary: The glossary in use.
        names: Ids of the groups that are proper names (origin "name").
    """
    present = sorted({gid for found in resolved for gid in found})
    name_of = {gid: group_name(groups.by_id[gid]) for gid in present}
    gid_of_name: dict[str, str] = {}
    for gid in present:
        # Two groups shown under one name are one concept to the user.
        gid_of_name.setdefault(name_of[gid], gid)
    concepts = [
        _concept(groups, glossary, gid, name_of, gid in names)
        for name, gid in sorted(gid_of_name.items())
    ]
    mentions: list[Mention] = []
    named: list[QANode] = []
    for node, found in zip(nodes, resolved, strict=True):
        merged: dict[str, NodeMention] = {}
        for gid, m in found.items():
            target = merged.setdefault(name_of[gid], NodeMention())
            target.count += m.count
            target.in_question = target.in_question or m.in_question
            target.first = min(target.first, m.first)
        order = sorted(
            merged.items(),
            key=lambda kv: (-kv[1].in_question, -mention_weight(kv[1]), kv[1].first, kv[0]),
        )
        for name, m in order:
            mentions.append(Mention(node.id, name, mention_weight(m), m.in_question, m.count))
        named.append(dataclasses.replace(node, concepts=tuple(name for name, _ in order)))
    return concepts, mentions, named


def _concept(
    groups: Groups,
    glossary: Glossary,
    gid: str,
    name_of: dict[str, str],
    proper_name: bool,
) -> Concept:
    group = groups.by_id[gid]
    name = name_of[gid]
    aliases: list[str] = []
    if group.glossary:
        aliases.extend(glossary.entry(group.glossary).aliases)
    aliases.extend(s.lower() for s, _ in group.short_forms.most_common())
    aliases.extend(s for s, _ in group.long_forms.most_common())
    aliases.extend(s.lower() for s, _ in group.surfaces.most_common())
    seen = {name}
    unique = [a for a in aliases if not (a in seen or seen.add(a))]
    broader: list[str] = []
    if group.glossary:
        for other in glossary.entry(group.glossary).broader:
            other_gid = groups.of_key.get(term_key(other))
            if other_gid in name_of and name_of[other_gid] != name:
                broader.append(name_of[other_gid])
    head = _head_concept(name, groups, name_of)
    if head and head not in broader:
        broader.append(head)
    if group.glossary:
        origin = "glossary"
    elif group.long_forms:
        origin = "acronym"
    elif proper_name:
        origin = "name"
    else:
        origin = "extracted"
    return Concept(name=name, aliases=tuple(unique), broader=tuple(broader), origin=origin)


def _head_concept(name: str, groups: Groups, name_of: dict[str, str]) -> str | None:
    """The concept named by the longest proper ending of `name` ("regularization")."""
    words = name.replace("-", " - ").split()
    for start in range(1, len(words)):
        if words[start] == "-":
            continue
        gid = groups.of_key.get(term_key(" ".join(words[start:]).replace(" - ", "-")))
        if gid in name_of and name_of[gid] != name:
            return name_of[gid]
    return None
