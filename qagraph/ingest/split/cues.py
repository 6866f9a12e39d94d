"""Lexical cues that tell a question, a heading, prose or code apart on a single line.

These are properties of English question-and-answer writing in general (interrogative
words, imperative task verbs, sentence punctuation), never of one particular document.
"""

from __future__ import annotations

import re

from qagraph.ingest.plaintext import LINK_OR_URL_RE

INTERROGATIVES = frozenset(
    """what what's whats why how how's when where which who whom whose is are was were am
    can could do does did should would will shall may might must have has had isn't aren't
    don't doesn't didn't won't wouldn't shouldn't can't""".split()
)

# Imperative verbs that open interview prompts ("Explain PCA.", "Implement k-means.").
TASK_VERBS = frozenset(
    """explain describe define compare contrast differentiate distinguish list name give write
    implement design build code create develop calculate compute derive prove show find return
    discuss outline estimate evaluate tell walk suppose given imagine state identify summarize
    summarise illustrate propose suggest fine-tune finetune pre-process preprocess split train
    predict detect solve print count remove check reverse flip sort merge convert generate
    sample simulate optimize optimise choose select pick interpret assess analyze analyse
    classify cluster encode debug diagnose measure rank recommend visualize visualise""".split()
)

_TRAILING_NOISE = re.compile(r"[\s\W_]+$", re.UNICODE)
_QUESTION_END = re.compile(r"\?[\s\"'”’)\]*_`]*(?:[^\w\s?][\s\ufe0f\u200d]*)*$", re.UNICODE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_ENUM_LABEL = re.compile(r"^(step|phase|part|stage|round|level|tier|day|week)\s+\d+\b", re.I)
_SENTENCE_END = re.compile(r"[.!?:;”\"')\]]\s*$")
_CODE_CHARS = re.compile(r"[=<>{}\[\]`]|\(\)|::|->|\w\(")
_PLACEHOLDER = re.compile(
    r"^(answer( goes)? here|add (an )?answer( here)?|todo|tbd|tba|wip|coming soon|"
    r"to be (added|written|answered|done)|no answer( yet)?|n/?a|\.\.\.|…|-+|\?+)\W*$",
    re.I,
)
# The label of a folded or separate answer ("Answer", "Show solution", "Click to expand").
# Bare plurals ("Answers", "Solutions") are left out: those title an answer key section.
_REVEAL_LABEL = re.compile(
    r"^(?:(?:(?:show|see|view|reveal|hide|toggle|display|check)\s+(?:the\s+)?"
    r"(?:answers?|solutions?|explanations?|hints?|code|results?|output))"
    r"|(?:answer|ans|solution|explanation|suggested\s+answer|sample\s+answer|model\s+answer)"
    r"|(?:click\s+(?:here\s+)?to\s+(?:expand|show|see|view|reveal|open)(?:\s+\w+){0,2}))"
    r"\W*$",
    re.I,
)
_LINK_WORDS = frozenset("see here link source answer read more this the at in check out".split())

CODE_LINE = re.compile(
    r"""^\s*(
        def\s+\w+\s*\( | class\s+\w+ | import\s+\w | from\s+[\w.]+\s+import\b
      | return\b | for\s+.+\s+in\s+.+:\s*$ | while\s+.+:\s*$ | if\s+.+:\s*$ | elif\s+.+:\s*$
      | else\s*:\s*$ | try\s*:\s*$ | except\b.*:\s*$ | finally\s*:\s*$ | with\s+.+:\s*$
      | print\s*\( | raise\s+\w | yield\b | pass\s*$ | break\s*$ | continue\s*$
      | [A-Za-z_][\w.]*(\[[^\]]*\])*(\s*,\s*[A-Za-z_][\w.]*)*\s*([-+*/%]|\*\*|//)?=(?!=)\s*\S
      | [A-Za-z_][\w.]*\(.*\)\s*(->.*)?$ | [\])}]+[,)]?\s*$ | @\w+
      | (SELECT|FROM|WHERE|GROUP\s+BY|ORDER\s+BY|JOIN|LEFT\s+JOIN|INSERT|UPDATE|WITH)\b
    )""",
    re.X,
)


def strip_trailing_noise(text: str) -> str:
    """Drop trailing emoji, difficulty markers and punctuation runs, keeping a final '?'."""
    text = text.strip()
    if _QUESTION_END.search(text):
        return text[: text.rfind("?") + 1].strip()
    return text


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def ends_with_question(text: str) -> bool:
    """True when the text ends with a question mark (ignoring trailing emoji and quotes)."""
    return bool(_QUESTION_END.search(text.strip()))


def question_score(text: str) -> float:
    """How much a line reads like a question or an interview prompt, from 0 to 1."""
    # A '?' inside a URL or a tag ("render?math=...") says nothing about the sentence.
    text = re.sub(r"<[^>]*>", " ", strip_links(text)).strip()
    if not text:
        return 0.0
    if ends_with_question(text):
        return 1.0
    if "?" in text:
        return 0.9
    tokens = text.lower().replace("’", "'").split()
    first = tokens[0].strip("*_\"'“”:,.") if tokens else ""
    if first in INTERROGATIVES:
        return 0.8
    if first in TASK_VERBS:
        return 0.7
    lowered = text.lower()
    if re.search(r"\b(vs\.?|versus|difference between|differences between)\b", lowered):
        return 0.5
    return 0.0


def is_enumerated_label(text: str) -> bool:
    """'Step 1 — ...', 'Phase 2 ...': a sub-step of the block above, never a new block."""
    return bool(_ENUM_LABEL.match(text.strip()))


def has_heading_shape(text: str, *, max_words: int = 14) -> bool:
    """Short, capitalised, unpunctuated: looks like a title (a '?' ending is allowed)."""
    text = text.strip()
    if not text or len(text) > 110 or not (text[0].isupper() or text[0].isdigit()):
        return False
    if _CODE_CHARS.search(text) or text.endswith((".", ",", ";", ":", "!")):
        return False
    if is_enumerated_label(text):
        return False
    tokens = text.split()
    if not 1 <= len(tokens) <= max_words:
        return False
    alpha = sum(1 for t in tokens if re.search(r"[A-Za-z]{2,}", t))
    return alpha / len(tokens) >= 0.6


_MINOR_WORDS = frozenset(
    "a an the and or but for nor of on in at to by with from into onto over via vs per as "
    "is are be its your our their than".split()
)


def is_title_case(text: str) -> bool:
    """Every content word capitalised, as in 'How to Prepare for the Interview'."""
    tokens = [t for t in re.findall(r"[A-Za-z][\w'’\-]*", text)]
    content = [t for t in tokens if t.lower() not in _MINOR_WORDS]
    return bool(content) and all(t[0].isupper() for t in content)


def is_prose(text: str) -> bool:
    """A sentence or paragraph: enough words, or sentence punctuation at the end."""
    n = len(text.split())
    return n >= 15 or (n >= 6 and bool(_SENTENCE_END.search(text)))


def is_label(text: str) -> bool:
    """A short lead-in that ends with a colon ('Benefits:', 'How it works:')."""
    text = text.strip()
    return text.endswith(":") and len(text.split()) <= 10


def is_code_line(text: str) -> bool:
    return bool(CODE_LINE.match(text))


def strip_links(text: str) -> str:
    """Text with markdown links reduced to nothing and bare URLs removed."""
    return LINK_OR_URL_RE.sub(" ", text)


def is_link_only(text: str) -> bool:
    """True when a text is nothing but links (and filler words such as 'see here')."""
    if not LINK_OR_URL_RE.search(text):
        return False
    rest = [w.lower() for w in words(strip_links(text))]
    return all(w in _LINK_WORDS for w in rest)


def is_reveal_label(text: str) -> bool:
    """True for the label of an answer ('Answer', 'Show solution'), which is no question."""
    # Emoji and symbols often decorate a label ("🔎 Solution", "▶ Show answer").
    return bool(_REVEAL_LABEL.match(re.sub(r"^[\W_]+", "", text.strip())))


def is_placeholder(text: str) -> bool:
    """True for answers that are not answers: empty, 'Answer here', 'TODO', links only."""
    plain = re.sub(r"<[^>]+>|&nbsp;|[*_`>#]", " ", text)
    plain = re.sub(r"\s+", " ", plain).strip()
    if not plain:
        return True
    if _PLACEHOLDER.match(plain):
        return True
    return is_link_only(plain)
