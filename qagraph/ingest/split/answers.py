"""Turn the lines of an answer into clean markdown, and tell real answers from placeholders.

Plain-text sources (web pages saved as text) lose their markup: bullets become "•", code
loses its fences and its indentation, tables follow a sentence with no blank line. The
rendering puts the markdown structure back so that tables, lists and code display, while
the text itself stays verbatim.
"""

from __future__ import annotations

import re

from qagraph.ingest.plaintext import FENCE_RE
from qagraph.ingest.split import cues

# An answer label, also written as a heading ("### A: ...") or in bold ("**Answer:**").
_ANSWER_PREFIX = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:[*_]{2})?\s*(?:A|Ans|Answer)\s*(?:[*_]{2})?\s*[:.)\-–—]\s*(?:[*_]{2})?\s*",
    re.I,
)
# A folded answer's opening: "<details><summary>Answer</summary>", text may follow.
_FOLD = re.compile(
    r"^\s*(?:<details[^>]*>\s*)?<summary[^>]*>.*?</summary>\s*|(?<=\S)\s*</details>\s*$", re.I
)
# The marker of a definition-list body (":   text"), whose term was the question.
_DEFINITION = re.compile(r"^\s{0,3}:\s+")
_HTML_NOISE = re.compile(
    r"^\s*(<br\s*/?>|</?details[^>]*>|</?summary[^>]*>.*|&nbsp;|</?p>|</?div[^>]*>)\s*$", re.I
)
_BULLET = re.compile(r"^\s*[•●▪◦‣]\s+")
_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_FENCE_LINE = re.compile(r"^\s*(`{3,}(?=[^`]*$)|~{3,})")
_LIST = re.compile(r"^\s*([-*+]|\d{1,3}[.)])\s+")


def render_answer(lines: list[str], *, plain_text: bool, indent: int = 0) -> str:
    """Render the answer lines as markdown.

    Args:
        lines: The answer's lines, verbatim from the document.
        plain_text: True for .txt sources, whose lost markup is restored (code fences,
            bullets, blank lines before tables and lists).
        indent: Columns the answer is indented by in the document because it belongs to
            a list item (the question); removed, as markdown itself does, so that a nested
            list does not turn into a code block once the answer stands alone.

    Returns:
        The answer as markdown, without leading or trailing blank lines.
    """
    kept = []
    for ln in lines:
        text = _FOLD.sub("", ln).rstrip()
        if not _HTML_NOISE.match(ln) and (text or not ln.strip()):
            kept.append(text)
    kept = _dedent(kept, indent)
    for i, ln in enumerate(kept):
        if not ln.strip():
            continue
        if cues.is_reveal_label(re.sub(r"[#*_]", "", ln)):
            kept[i] = ""  # "**Answer**", "### Solution": a label, and the next line answers
            continue
        if m := _DEFINITION.match(ln):
            # The body of a definition goes on indented by the marker's width.
            kept[i] = ln[m.end() :]
            kept[i + 1 :] = _dedent(kept[i + 1 :], len(m.group().expandtabs(4)))
        elif _ANSWER_PREFIX.match(ln):
            kept[i] = _ANSWER_PREFIX.sub("", ln, count=1)
        break
    if plain_text:
        kept = _restore_markdown(kept)
    # A backtick fence's info string holds no backtick: "```x``` y" is inline code.
    opened = [m for ln in kept if (m := _FENCE_LINE.match(ln))]
    if len(opened) % 2:  # a fence left open (closed by the end of its list item)
        kept = [*_trim_blank_end(kept), opened[-1].group(1)]
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def _trim_blank_end(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _dedent(lines: list[str], width: int) -> list[str]:
    """Remove the indentation the lines share, up to `width` columns (a tab counts 4).

    Only what every line shares: an answer written flush left under a list item is not
    nested in it, and its code keeps its own indentation.
    """
    split = [(ln[: len(ln) - len(ln.lstrip())].expandtabs(4), ln.lstrip()) for ln in lines]
    width = min([width, *(len(lead) for lead, rest in split if rest)])
    if width <= 0:
        return lines
    return [lead[width:] + rest if rest else "" for lead, rest in split]


def is_answered(answer: str) -> bool:
    """False for an empty, placeholder ("Answer here", "TODO") or link-only answer."""
    return not cues.is_placeholder(answer)


def _is_code(lines: list[str], i: int) -> bool:
    text = lines[i]
    if cues.is_code_line(text):
        return True
    # A '# comment' counts as code when a neighbouring non-blank line is code.
    if text.lstrip().startswith("#") and not text.lstrip().startswith("#" * 2 + " "):
        neighbours = [j for j in (_step(lines, i, -1), _step(lines, i, 1)) if j is not None]
        return any(cues.is_code_line(lines[j]) for j in neighbours)
    return False


def _step(lines: list[str], i: int, step: int) -> int | None:
    j = i + step
    while 0 <= j < len(lines) and not lines[j].strip():
        j += step
    return j if 0 <= j < len(lines) else None


def _code_run_end(lines: list[str], start: int) -> int:
    """Last index of the code run that starts at `start` (blank lines inside allowed)."""
    end = start
    j = start + 1
    while j < len(lines):
        text = lines[j].strip()
        if not text:
            j += 1
            continue
        if _is_code(lines, j):
            end = j
        elif (
            not cues.is_prose(text)
            and (nxt := _step(lines, j, 1)) is not None
            and _is_code(lines, nxt)
        ):
            end = j  # e.g. "for _ in range(k)" inside a comprehension, between code lines
        else:
            break
        j += 1
    return end


def _restore_markdown(lines: list[str]) -> list[str]:
    if any(FENCE_RE.match(ln) for ln in lines):
        return lines  # already marked up
    out: list[str] = []
    i = 0
    while i < len(lines):
        text = lines[i]
        if text.strip() and _is_code(lines, i) and not _TABLE.match(text):
            end = _code_run_end(lines, i)
            block = [ln for ln in lines[i : end + 1] if ln.strip()]
            if len(block) >= 2 or cues.is_code_line(block[0]):
                out += ["", "```", *block, "```", ""]
                i = end + 1
                continue
        text = _BULLET.sub("- ", text)
        starts_block = bool(_TABLE.match(text) or _LIST.match(text))
        if starts_block and out and out[-1].strip() and not _same_block(out[-1], text):
            out.append("")
        elif out and (_TABLE.match(out[-1]) or _LIST.match(out[-1])) and text.strip():
            if not starts_block and not text.startswith((" ", "\t")):
                out.append("")
        out.append(text)
        i += 1
    return out


def _same_block(prev: str, text: str) -> bool:
    if _TABLE.match(prev) and _TABLE.match(text):
        return True
    return bool(_LIST.match(prev) and _LIST.match(text))
