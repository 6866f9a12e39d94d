"""Markdown for the app: cited answers, sources, contradiction warnings and excerpts.

Only formatting lives here; what to show is decided by the handlers. Every quotation is
the node's own markdown, so tables and code in an answer render as the source wrote them,
passed through `qagraph.ui.sanitize`: stored text is untrusted, and shown in the app it
must make the reader's browser fetch nothing (remote images become "[image: host/p.png]"
links) and run nothing. Every piece of stored text goes through `markdown` or `inline`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qagraph.kb import KnowledgeBase, QANode
from qagraph.ui.excerpts import Excerpt
from qagraph.ui.sanitize import safe_inline, safe_markdown

_FENCE_RE = re.compile(r"`{3,}|~{3,}")
LONG_ANSWER_LINES = 12


def citation(node: QANode) -> str:
    """'file #12, Section, lines 5-8': the plain citation, as the command line prints it."""
    parts = [f"{node.source} #{node.number}" if node.number else node.source]
    if node.section:
        parts.append(node.section)
    parts.append(_lines(node).replace("–", "-"))
    return ", ".join(parts)


def citation_md(node: QANode) -> str:
    """The citation as one markdown line: file, number, section and lines."""
    parts = [f"**{inline(node.source, escape='*')}**"]  # "a_b.txt" reads as written
    if node.number:
        parts.append(f"#{node.number}")
    if node.section:
        parts.append(f"*{inline(node.section)}*")
    parts.append(_lines(node))
    return " · ".join(parts)


def _lines(node: QANode) -> str:
    if node.location:
        return node.location
    if node.line_start == node.line_end:
        return f"line {node.line_start}"
    return f"lines {node.line_start}–{node.line_end}"


def inline(text: str, escape: str = "*_") -> str:
    """Stored or typed text safe inside emphasis on one line, and safe to show."""
    return safe_inline(text, escape)


def markdown(text: str) -> str:
    """Stored markdown (an answer) safe to show: it loads nothing and runs nothing."""
    return safe_markdown(text)


def quote(text: str) -> str:
    """A markdown block quote keeping every line (and so tables and code) of `text`."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def answer_md(
    best: QANode,
    *,
    also: Sequence[QANode] = (),
    contradictions: Sequence[Any] = (),
    kb: KnowledgeBase | None = None,
    note: str = "",
    resolved: str = "",
) -> str:
    """The chat message for a cited answer.

    Args:
        best: The node quoted.
        also: Other nodes answering the same question.
        contradictions: Contradictions (dicts or records: a, b, kind, evidence_a, evidence_b,
            score).
        kb: Looks up the nodes a contradiction names, for their citations.
        note: A one-line remark from retrieval (e.g. the top hit has no answer).
        resolved: The standalone question a follow-up was read as ("" if none).
    """
    out: list[str] = []
    if resolved:
        out.append(f"*Read as:* “{inline(resolved)}”")
    long_answer = best.answer.count("\n") >= LONG_ANSWER_LINES
    if contradictions and long_answer:
        # The full warning follows the quotation; a long one would push it out of sight.
        out.append("⚠ *The sources disagree on this answer: see the warning below it.*")
    out.append(f"**Q:** {inline(best.question)}")
    if best.answered and best.answer.strip():
        out.append(quote(markdown(best.answer)))
    else:
        out.append("*This source lists the question without an answer.*")
    out.append("— " + citation_md(best))
    if note:
        out.append(f"*{inline(note)}*")
    # The warning comes before "also answered in": it changes how far to trust the quote.
    if contradictions:
        out.append(contradictions_md(contradictions, kb))
    if also:
        items = [f"- {citation_md(n)} — *{inline(n.question)}*" for n in also]
        out.append("**Also answered in**\n" + "\n".join(items))
    return "\n\n".join(out)


def as_dict(item: Any) -> dict[str, Any]:
    """A contradiction as a dict, whether retrieval hands a dict or a `Contradiction`."""
    return item.to_json() if hasattr(item, "to_json") else dict(item)


def contradictions_md(items: Sequence[Any], kb: KnowledgeBase | None) -> str:
    """A warning naming both evidence sentences of each contradiction and their sources."""
    lines = ["⚠ **The sources disagree.** Check both before you rely on this answer."]
    for item in map(as_dict, items):
        kind = item.get("kind", "divergent")
        lines.append(f"- **{kind}** (confidence {float(item.get('score', 0)):.2f})")
        for side in ("a", "b"):
            node = _node(kb, item.get(side, ""))
            where = citation_md(node) if node else f"node {item.get(side, '?')}"
            lines.append(f"    - {where}: “{inline(str(item.get('evidence_' + side, '')))}”")
    return "\n".join(lines)


def _node(kb: KnowledgeBase | None, node_id: str) -> QANode | None:
    if kb is None:
        return None
    try:
        return kb.node(node_id)
    except KeyError:
        return None


def abstain_md(
    message: str,
    suggestions: Sequence[QANode] = (),
    *,
    covers: Sequence[str] = (),
    resolved: str = "",
    buttons: bool = False,
) -> str:
    """The honest 'not in the knowledge base' answer, with ways forward.

    Args:
        message: Retrieval's explanation.
        suggestions: The nearest questions the knowledge base does answer.
        covers: Topics it covers, offered when no stored question is near.
        resolved: The standalone question a follow-up was read as.
        buttons: Whether buttons to click follow the message.
    """
    out = []
    if resolved:
        out.append(f"*Read as:* “{inline(resolved)}”")
    out.append(f"**Not in the knowledge base.** {markdown(message)}")
    if suggestions:
        items = [f"- *{inline(n.question)}* — {citation_md(n)}" for n in suggestions]
        out.append("Nearby questions it does answer:\n" + "\n".join(items))
    elif covers:
        out.append("It covers topics such as: " + ", ".join(inline(c) for c in covers) + ".")
    out.append("Try rephrasing" + (", or pick one below." if buttons else "."))
    return "\n\n".join(out)


def excerpt_md(ex: Excerpt | None, *, language: str | None = None) -> str:
    """Numbered original lines in a code block (a fence longer than any inside).

    `language` overrides the excerpt's own (which says "html" for an HTML page).
    """
    if ex is None:
        return "*The original file cannot be read any more.*"
    longest = max((len(m.group(0)) for _, t in ex.lines for m in _FENCE_RE.finditer(t)), default=2)
    fence = "`" * max(3, longest + 1)
    width = max((len(str(label)) for label, _ in ex.lines), default=1)
    body = "\n".join(
        f"{str(label):>{width}} │ {text}" if text else f"{str(label):>{width}} │"
        for label, text in ex.lines
    )
    out = f"{fence}{language or ex.language}\n{body}\n{fence}"
    if ex.truncated:
        out += f"\n\n*… {ex.truncated} more lines*"
    if ex.note:
        out += f"\n\n*Note: {ex.note}.*"
    return out


def source_entry_md(
    rank: int, node: QANode, ex: Excerpt | None, *, role: str = "", score: float | None = None
) -> str:
    """One entry of the sources panel: question, citation, role, and the original lines."""
    tags = [t for t in (role, f"score {score:.2f}" if score is not None else "") if t]
    head = f"**{rank}. {inline(node.question)}**"
    meta = citation_md(node) + (f" · {' · '.join(tags)}" if tags else "")
    lines = _lines(node)
    return (
        f"{head}  \n{meta}\n\n<details><summary>Original text, {lines}</summary>\n\n"
        f"{excerpt_md(ex)}\n\n</details>"
    )


def node_md(node: QANode, *, highlight: str = "") -> str:
    """A node in full: question, citation, answer; `highlight` (a sentence) is marked."""
    answer = node.answer.strip()
    words = highlight.split()
    if answer and words:
        # The evidence may be cut from a reflowed answer: match it across any whitespace.
        pattern = r"\s+".join(re.escape(w) for w in words)
        answer = re.sub(pattern, lambda m: f"<mark>{m.group(0)}</mark>", answer, count=1)
    answer = markdown(answer) if answer else "*No answer in this source.*"
    concepts = ", ".join(inline(c) for c in node.concepts)
    tail = f"\n\n*Concepts:* {concepts}" if concepts else ""
    return f"### {inline(node.question)}\n{citation_md(node)}\n\n{answer}{tail}"
