"""Follow-up questions: read "and what about L2?" or "why?" in the light of the last turn.

A chat turn leaves a `Topic`: its resolved query and the concepts it named, with the words
the user wrote for them. A follow-up is rewritten into a question that stands on its own,
so retrieval (which knows nothing of the conversation) can answer it:

- "what about X?", "and X?", "same for X": X takes the place of the previous topic
  ("What is L1 regularization?" + "and what about L2?" -> "What is L2 regularization?");
- bare "why?", "how?", "tell me more", "an example?": the previous topic is appended;
- a short question leaning on a pronoun ("how does it work?", "does it prevent
  overfitting?"): the pronoun becomes the topic. Only a candidate: the chat drops it when
  it leaves the knowledge base and the message as typed does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: A concept matcher: query -> [(concept name, the query words that matched)].
MatchFn = Callable[[str], Sequence[tuple[str, str]]]

_SUBSTITUTE_RE = re.compile(
    r"^(?:(?:and|but|ok|okay|so)[,\s]+)?(?:(?:what|how)\s+about|what\s+of|same\s+(?:for|with)|"
    r"and\s+for|and\s+with|and|vs\.?|versus|compared\s+(?:to|with))\s+(?P<x>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)
_BARE = frozenset(
    {
        "why",
        "why not",
        "how",
        "how so",
        "how come",
        "really",
        "example",
        "an example",
        "for example",
        "examples",
        "any examples",
        "give an example",
        "give me an example",
        "more",
        "tell me more",
        "go on",
        "explain",
        "explain more",
        "elaborate",
        "details",
        "more details",
        "in what way",
        "such as",
        "like what",
        "when",
        "where",
        "which one",
        "and why",
        "and how",
        "pros and cons",
        "advantages",
        "disadvantages",
        "drawbacks",
    }
)
# Bare follow-ups that read better with a preposition before the topic.
_BARE_LEADS = {
    **dict.fromkeys(
        (
            "more",
            "tell me more",
            "go on",
            "explain",
            "explain more",
            "elaborate",
            "details",
            "more details",
        ),
        "tell me more about",
    ),
    **dict.fromkeys(
        (
            "example",
            "an example",
            "for example",
            "examples",
            "any examples",
            "give an example",
            "give me an example",
            "such as",
            "like what",
        ),
        "an example of",
    ),
    **dict.fromkeys(("pros and cons", "advantages", "disadvantages", "drawbacks"), "{} of"),
}
_PRONOUN_RE = re.compile(r"\b(it|its|this|that|they|them|these|those|their)\b", re.IGNORECASE)
_FRAME_RE = re.compile(
    r"^\s*(?:(?:what|how|why|when|which|who|where)(?:'s|\s+(?:is|are|was|were|do|does|did|can|"
    r"could|should|would|will))(?:\s+(?:you|we|i|one))?|explain|define|describe|tell\s+me\s+about)"
    r"\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[\w'-]+")
_MAX_PRONOUN_WORDS = 7
_MAX_TOPIC_WORDS = 5
_QUESTION_WORDS = frozenset(
    "what how why when which who where whose is are was were do does did can could should "
    "would will may might".split()
)


@dataclass(frozen=True)
class Topic:
    """What one turn was about.

    Attributes:
        query: The query retrieval answered (the resolved one).
        concepts: Concepts it named, best first.
        surfaces: The words of `query` that named each concept (parallel to `concepts`).
        answer_concepts: Concepts of the answer quoted, for turns naming none themselves.
    """

    query: str
    concepts: tuple[str, ...] = ()
    surfaces: tuple[str, ...] = ()
    answer_concepts: tuple[str, ...] = ()

    def phrase(self) -> str:
        """A short phrase for the topic: its first concept as written, else the query's object."""
        if self.surfaces:
            return self.surfaces[0]
        if self.concepts:
            return self.concepts[0]
        stripped = _FRAME_RE.sub("", self.query).strip(" ?.!:")
        if stripped:
            return stripped
        return self.answer_concepts[0] if self.answer_concepts else self.query


@dataclass(frozen=True)
class Resolution:
    """How a message was read.

    Attributes:
        query: The question to search for.
        kind: "" (taken as typed), "substitute", "bare" or "pronoun".
    """

    query: str
    kind: str = ""

    @property
    def followup(self) -> bool:
        return bool(self.kind)


def resolve(message: str, previous: Topic | None, match: MatchFn) -> Resolution:
    """Rewrite a follow-up into a standalone question; other messages are returned as typed.

    Args:
        message: The user's message.
        previous: The topic of the last answered turn, or None at the start.
        match: Finds the concepts named in a text.
    """
    text = " ".join(message.split())
    if previous is None or not text:
        return Resolution(text)
    bare = text.lower().strip(" ?.!")
    if bare in _BARE:
        lead = _BARE_LEADS.get(bare, text.rstrip(" ?.!")).format(bare)
        return Resolution(f"{lead} {previous.phrase()}?", "bare")
    found = _SUBSTITUTE_RE.match(text)
    if found:
        x = re.sub(r"^(?:the|a|an)\s+", "", found.group("x"), flags=re.IGNORECASE).strip()
        if x and x.lower() not in _BARE and _is_topic(x):
            return Resolution(substitute(previous, x, match), "substitute")
    words = _WORD_RE.findall(text)
    if len(words) <= _MAX_PRONOUN_WORDS and _PRONOUN_RE.search(text):
        phrase = previous.phrase()

        def swap(m: re.Match[str]) -> str:
            possessive = m.group(1).lower() in ("its", "their")
            return f"{phrase}'s" if possessive else phrase

        return Resolution(_PRONOUN_RE.sub(swap, text, count=1), "pronoun")
    return Resolution(text)


def substitute(previous: Topic, x: str, match: MatchFn) -> str:
    """The previous query with its topic replaced by `x`.

    "L2" after "L1 regularization" swaps only the token of the same shape, giving
    "L2 regularization"; a concept named by an alias ("ridge") comes in under its
    canonical name, which retrieval matches best; anything else replaces the whole topic.
    """
    query = previous.query
    names_x = [name for name, _ in match(x)]
    new = names_x[0] if names_x else x
    targets = list(previous.surfaces)
    if not targets and previous.concepts:
        targets = [c for c in previous.concepts if _find(query, c)]
    for surface in targets:
        if not _find(query, surface):
            continue
        swapped = swap_token(surface, x)
        return _replace(query, surface, swapped if swapped is not None else new)
    swapped = swap_token(query, x)
    if swapped is not None:
        return swapped
    frame = _FRAME_RE.match(query)
    end = "?" if query.rstrip().endswith("?") else ""
    return f"{frame.group(0).strip()} {new}{end}" if frame else new


def swap_token(phrase: str, x: str) -> str | None:
    """`phrase` with the one token shaped like `x` ("L1" for "L2", "CNN" for "RNN") replaced.

    Only tokens holding a digit, or upper-case acronyms, have a shape worth matching: two
    ordinary words of the same length say nothing about one standing for the other.
    """
    if " " in x or not (any(c.isdigit() for c in x) or (x.isupper() and len(x) > 1)):
        return None
    tokens = _WORD_RE.findall(phrase)
    if any(t.lower() == x.lower() for t in tokens):
        return None  # x is already there: swapping would give "L2 and L2"
    shape = _shape(x)
    digits = any(c.isdigit() for c in x)
    same = [t for t in tokens if _shape(t) == shape and (digits or t.isupper())]
    if len(same) != 1:
        return None
    return re.sub(rf"\b{re.escape(same[0])}\b", x, phrase, count=1)


def _is_topic(x: str) -> bool:
    """True for a short noun phrase ("L2", "random forests"), not a whole new question."""
    words = _WORD_RE.findall(x)
    return 0 < len(words) <= _MAX_TOPIC_WORDS and words[0].lower() not in _QUESTION_WORDS


def _shape(token: str) -> str:
    return "".join("0" if c.isdigit() else "a" if c.isalpha() else c for c in token.lower())


def _find(text: str, phrase: str) -> re.Match[str] | None:
    words = [re.escape(w) for w in phrase.split()]
    if not words:
        return None
    return re.search(r"\b" + r"[\s-]+".join(words) + r"\b", text, flags=re.IGNORECASE)


def _replace(text: str, phrase: str, new: str) -> str:
    found = _find(text, phrase)
    if found is None:
        return text
    return text[: found.start()] + new + text[found.end() :]
