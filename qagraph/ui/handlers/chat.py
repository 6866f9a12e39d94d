"""Chat: a question in, a cited answer (or an honest abstention) out, follow-ups resolved.

The conversation is a list of turn records (plain dicts, kept in the session's state); the
last one's topic is what a follow-up such as "and what about L2?" leans on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qagraph.kb import QANode
from qagraph.retrieval.answer import ABSTAIN_MESSAGE
from qagraph.ui import render
from qagraph.ui.excerpts import excerpt
from qagraph.ui.followup import Resolution, Topic, resolve
from qagraph.ui.state import Snapshot

logger = logging.getLogger(__name__)

MAX_OPTIONS = 6
N_SUGGESTIONS = 3
NEAR_SIMILARITY = 0.3  # question cosine below which a stored question is not worth suggesting
UNAVAILABLE = "⚠ **Retrieval not available** in this installation, so questions cannot be answered"


@dataclass(frozen=True)
class ChatReply:
    """What the chat shows for one message.

    Attributes:
        markdown: The assistant's message.
        options: Buttons under the message: {"label", "value"}; clicking asks `value`.
        sources: Markdown of the sources panel for this answer.
        turn: The record the conversation keeps (JSON-serialisable).
    """

    markdown: str
    options: list[dict[str, str]] = field(default_factory=list)
    sources: str = ""
    turn: dict[str, Any] = field(default_factory=dict)

    @property
    def abstained(self) -> bool:
        return bool(self.turn.get("abstained", True))


def topic_of(turn: Mapping[str, Any]) -> Topic:
    """The topic a follow-up to `turn` refers to."""
    return Topic(
        query=str(turn.get("query", "")),
        concepts=tuple(turn.get("concepts", ())),
        surfaces=tuple(turn.get("surfaces", ())),
        answer_concepts=tuple(turn.get("answer_concepts", ())),
    )


def reply(
    snapshot: Snapshot,
    message: str,
    turns: Sequence[Mapping[str, Any]] = (),
    *,
    k: int = 5,
    followup: bool = True,
) -> ChatReply:
    """Answer one message of the conversation.

    Args:
        snapshot: The state to answer from.
        message: The user's message.
        turns: Earlier turn records, oldest first.
        k: Results listed in the sources panel.
        followup: Read the message in the light of the last turn (off for button clicks,
            which name a topic on their own).
    """
    message = " ".join(message.split())
    retriever = snapshot.retriever
    if not message:
        return ChatReply("Ask a question about the knowledge base.", turn={"query": ""})
    if retriever is None:
        note = f"{UNAVAILABLE} ({snapshot.retrieval_error})."
        return ChatReply(note, turn={"message": message, "query": message, "abstained": True})
    previous = topic_of(turns[-1]) if turns and followup else None
    match = concept_matcher(snapshot)
    resolution = resolve(message, previous, match, related_concepts(snapshot))
    # One search per reading of the message: it serves the answer and the suggestions.
    searched = retriever.search_for_answer(resolution.query, k=k)
    if resolution.kind == "pronoun":
        raw = retriever.search_for_answer(message, k=k)
        if not _reads_better(raw, searched):
            resolution, searched = Resolution(message), raw
    answer = retriever.answer(searched, k=k)
    named = match(resolution.query)
    turn: dict[str, Any] = {
        "message": message,
        "query": resolution.query,
        "kind": resolution.kind,
        "concepts": [name for name, _ in named],
        "surfaces": [surface for _, surface in named],
        "abstained": answer.abstained,
    }
    shown = resolution.query if resolution.followup else ""
    if answer.abstained or answer.best is None:
        return _abstention(searched.hits, answer, shown, turn, snapshot.concepts)
    kb = retriever.kb
    best = answer.best.node
    also = [h.node for h in answer.also_answered_in]
    markdown = render.answer_md(
        best,
        also=also,
        contradictions=answer.contradictions,
        kb=kb,
        note=answer.message,
        resolved=shown,
    )
    turn["answer_concepts"] = list(best.concepts)
    turn["node_ids"] = [best.id, *(n.id for n in also)]
    sources = sources_md(snapshot, answer)
    turn["sources"] = sources
    options = [_option(c) for c in answer.related_concepts[:MAX_OPTIONS]]
    if options:
        markdown += "\n\n*Related concepts: click one below to search it.*"
    return ChatReply(markdown, options, sources, turn)


def concept_matcher(snapshot: Snapshot):
    """Concepts named in a text: exact names and aliases first, else retrieval's fuzzy match.

    Exact matches come first because a follow-up replaces the words that named the topic,
    and the fuzzy matcher may stretch a span over a neighbouring word ("is l1 ...").
    """
    fuzzy = snapshot.retriever.concepts if snapshot.retriever is not None else None

    def match(text: str) -> list[tuple[str, str]]:
        exact = snapshot.concepts.find_in(text)
        if exact or fuzzy is None:
            return exact
        return [(h.name, h.surface) for h in fuzzy.match(text)]

    return match


def related_concepts(snapshot: Snapshot):
    """Whether the knowledge graph links two concepts by a `related` edge (either way)."""
    graph = snapshot.graph

    def related(a: str, b: str) -> bool:
        return any(name == b for name, _ in graph.related(a)) or any(
            name == a for name, _ in graph.related(b)
        )

    return related


def _reads_better(raw: Any, resolved: Any) -> bool:
    """Keep a pronoun rewrite unless it loses an answer the message as typed has.

    A short message leaning on "it" or "that" is nearly always about the last topic, so
    the rewrite wins unless it leaves the knowledge base and the original does not.
    """
    return raw.abstained or not resolved.abstained


def _abstention(
    hits: Sequence[Any], answer: Any, shown: str, turn: dict[str, Any], index: Any
) -> ChatReply:
    # The nearest stored questions, labelled as such: a way forward, not an answer. A far-off
    # question has no near neighbour, and its "closest topics" are noise; then the topics the
    # knowledge base covers most help more.
    nearest = [
        h.node
        for h in hits[:N_SUGGESTIONS]
        if h.node.answered and (h.signals.get("dense_q") or 0.0) >= NEAR_SIMILARITY
    ]
    if nearest:
        message, topics, covers = answer.message, list(answer.related_concepts), []
    else:
        message = ABSTAIN_MESSAGE
        covers = [name for name, _ in index.most_mentioned(MAX_OPTIONS)]
        topics = covers
    options = [_option(c) for c in topics[:MAX_OPTIONS]] or [_question_option(n) for n in nearest]
    markdown = render.abstain_md(
        message, nearest, covers=covers, resolved=shown, buttons=bool(options)
    )
    turn["answer_concepts"] = topics[:MAX_OPTIONS]
    turn["node_ids"] = []
    turn["sources"] = "*No source quoted: the knowledge base does not cover this question.*"
    return ChatReply(markdown, options, turn["sources"], turn)


def _option(concept: str) -> dict[str, str]:
    return {"label": concept, "value": concept}


def _question_option(node: QANode) -> dict[str, str]:
    label = node.question if len(node.question) <= 60 else node.question[:57] + "…"
    return {"label": label, "value": node.question}


def sources_md(snapshot: Snapshot, answer: Any) -> str:
    """The sources panel: every node the answer lists or cites, with its original lines."""
    best = answer.best.node if answer.best else None
    also = {h.node.id for h in answer.also_answered_in}
    entries: list[tuple[QANode, str, float | None]] = []
    for hit in answer.results:
        role = "quoted" if best and hit.node.id == best.id else ""
        role = role or ("also answers" if hit.node.id in also else "search result")
        entries.append((hit.node, role, hit.score))
    listed = {node.id for node, _, _ in entries}
    if best and best.id not in listed:
        entries.insert(0, (best, "quoted", answer.best.score))
        listed.add(best.id)
    for item in map(render.as_dict, answer.contradictions):
        for side in ("a", "b"):
            node_id = item.get(side, "")
            if node_id in listed:
                continue
            try:
                node = snapshot.kb.node(node_id)
            except KeyError:
                continue
            entries.append((node, "disagrees", None))
            listed.add(node_id)
    blocks = [
        render.source_entry_md(
            i,
            node,
            excerpt(snapshot.kb, node.source, node.line_start, node.line_end),
            role=role,
            score=score,
        )
        for i, (node, role, score) in enumerate(entries, start=1)
    ]
    return "\n\n---\n\n".join(blocks) if blocks else "*No sources.*"
