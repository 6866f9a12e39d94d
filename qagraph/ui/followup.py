"""Follow-up questions: read "and what about L2?" or "why?" in the light of the last turn.

A chat turn leaves a `Topic`: its resolved query and the concepts it named, with the words
the user wrote for them. A follow-up is rewritten into a question that stands on its own,
so retrieval (which knows nothing of the conversation) can answer it:

- "what about X?", "and X?", "same for X": X takes the place of the previous topic
  ("What is L1 regularization?" + "and what about L2?" -> "What is L2 regularization?");
  "and its drawbacks?" asks about the previous topic ("drawbacks of L1 regularization?");
- "what about for X?", "and for X?": X qualifies the previous question ("What is a
  decision tree?" -> "What is a decision tree for regression?"), unless X is a concept
  the graph relates to one the previous question named, which it then replaces ("How do
  you evaluate a classification model?" -> "How do you evaluate a regression?");
- "vs X?", "compared to X?": the previous topic against X ("bagging vs boosting?");
- bare "why?", "how?", "tell me more", "can you give an example?": the previous topic is
  appended;
- a short question leaning on a pronoun ("how does it work?", "does it prevent
  overfitting?"): the pronoun becomes the topic. Only a candidate: the chat drops it when
  it leaves the knowledge base and the message as typed does not.

A question that names its own topic is never rewritten: "Explain PCA and its
significance." after "Explain the bias-variance tradeoff" is about PCA. The pronoun then
has its antecedent in the question itself: a concept the matcher finds before it, across
"and", a comma or a colon ("PCA and its", "Dropout: how does it"), or the object of a
leading "what is"/"explain" ("Explain t-SNE and its use"). A concept in the same clause
as the pronoun ("how does PCA help with it?") is no antecedent, and "it" in "is it true
that", "is it better to" or "what is it called when" refers to nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: A concept matcher: query -> [(concept name, the query words that matched)].
MatchFn = Callable[[str], Sequence[tuple[str, str]]]
#: Whether the knowledge graph relates two concepts (by canonical name).
RelatedFn = Callable[[str, str], bool]

_SUBSTITUTE_RE = re.compile(
    r"^(?:(?:and|but|ok|okay|so)[,\s]+)?(?:(?P<compare>vs\.?|versus|compared\s+(?:to|with))|"
    r"(?:what|how)\s+about|what\s+of|same\s+(?:for|with)|and)\s+(?P<x>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)
# Words before a follow-up that change nothing: "so, can you give an example please?"
_FILLER_RE = re.compile(
    r"^(?:(?:and|so|ok|okay|then|but|also|alright|great|thanks|thank\s+you)\b[,\s]*)*"
    r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|please\s+)?",
    re.IGNORECASE,
)
_PREPOSITION_RE = re.compile(
    r"^(?P<prep>for|in|with|on|during|without|under|when|at)\s+(?P<rest>.+)$", re.IGNORECASE
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
# "it" that refers to nothing: "is it true that ...", "is it better to ...", "what is it
# called when ...", "what does it mean if ...".
_EXPLETIVE_RE = re.compile(
    r"\bit(?:'s|\s+is|\s+was)?\s+(?:\w+\s+)?(?:true|possible|necessary|important|better|best|"
    r"worse|worth|advisable|okay|ok|common|useful|hard|easy|difficult|good|bad|wise|safe|normal|"
    r"reasonable|fine|a\s+good\s+idea|a\s+bad\s+idea|good\s+practice)\s+(?:to|that|if|when|"
    r"whether|for)\b|\bit\s+called\b|\bit\s+(?:mean|matter)s?\s+(?:to|if|when|that|whether)\b|"
    r"\bit\s+that\b|\bit\s+takes?\s+to\b",
    re.IGNORECASE,
)
# What separates two clauses or two coordinated phrases: "PCA and its", "Dropout: how".
_BOUNDARY_RE = re.compile(r"\s(?:and|or|but)\s|[,:;—–]|\s-\s", re.IGNORECASE)
# "that" is a pronoun only where a noun phrase could stand, not after a noun ("a model that").
_THAT_AFTER = frozenset(
    "is was are were does do did can could would will should about of with for to on in from "
    "than like use using mean why how and but so explain".split()
)
_FRAME_RE = re.compile(
    r"^\s*(?:(?:what|how|why|when|which|who|where)(?:'s|\s+(?:is|are|was|were|do|does|did|can|"
    r"could|should|would|will))(?:\s+(?:you|we|i|one))?|explain|define|describe|tell\s+me\s+about)"
    r"\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[\w'-]+")
_MAX_PRONOUN_WORDS = 9
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
        kind: "" (taken as typed), "substitute", "qualify", "compare", "bare" or "pronoun".
    """

    query: str
    kind: str = ""

    @property
    def followup(self) -> bool:
        return bool(self.kind)


def resolve(
    message: str, previous: Topic | None, match: MatchFn, related: RelatedFn | None = None
) -> Resolution:
    """Rewrite a follow-up into a standalone question; other messages are returned as typed.

    Args:
        message: The user's message.
        previous: The topic of the last answered turn, or None at the start.
        match: Finds the concepts named in a text.
        related: Whether the graph relates two concepts; without it, "what about for X?"
            always qualifies the previous question.
    """
    text = " ".join(message.split())
    if previous is None or not text:
        return Resolution(text)
    core = _FILLER_RE.sub("", text).strip()
    bare = core.lower().strip(" ?.!")
    bare = bare if bare in _BARE else re.sub(r"^(?:any|some|the)\s+", "", bare)
    if bare in _BARE:
        lead = _BARE_LEADS.get(bare, bare).format(bare)
        return Resolution(f"{lead} {previous.phrase()}?", "bare")
    found = _SUBSTITUTE_RE.match(text)
    if found:
        x = re.sub(r"^(?:the|a|an)\s+", "", found.group("x"), flags=re.IGNORECASE).strip()
        if x and x.lower() not in _BARE and _is_topic(x):
            return _substitute_or_qualify(previous, x, bool(found.group("compare")), match, related)
    words = _WORD_RE.findall(text)
    pronoun = _referring_pronoun(text)
    if len(words) <= _MAX_PRONOUN_WORDS and pronoun is not None:
        if _has_antecedent(text, pronoun.start(), match):
            return Resolution(text)  # "Explain PCA and its significance": about PCA
        phrase = previous.phrase()
        possessive = pronoun.group(1).lower() in ("its", "their")
        swapped = f"{phrase}'s" if possessive else phrase
        return Resolution(text[: pronoun.start()] + swapped + text[pronoun.end() :], "pronoun")
    return Resolution(text)


def _substitute_or_qualify(
    previous: Topic, x: str, compare: bool, match: MatchFn, related: RelatedFn | None
) -> Resolution:
    """The reading of "what about X?", "and for X?" or "vs X?"."""
    pronoun = _referring_pronoun(x)
    if pronoun is not None:
        # "and its drawbacks?" asks about the previous topic, not about "its drawbacks".
        rest = (x[: pronoun.start()] + x[pronoun.end() :]).strip()
        if pronoun.group(1).lower() in ("its", "their") and rest:
            return Resolution(f"{rest} of {previous.phrase()}?", "pronoun")
        return Resolution(
            f"{x[: pronoun.start()]}{previous.phrase()}{x[pronoun.end() :]}?", "pronoun"
        )
    if compare:
        return Resolution(f"{previous.phrase()} vs {x}?", "compare")
    qualifier = _PREPOSITION_RE.match(x)
    if qualifier is None:
        return Resolution(substitute(previous, x, match), "substitute")
    rest = qualifier.group("rest")
    names_rest = [name for name, _ in match(rest)]
    if related is not None and any(
        related(old, new) for old in previous.concepts for new in names_rest if old != new
    ):
        # "How do you evaluate a classification model?" + "what about for regression?"
        return Resolution(substitute(previous, rest, match), "substitute")
    return Resolution(qualify(previous.query, qualifier.group("prep"), rest), "qualify")


def qualify(query: str, preposition: str, rest: str) -> str:
    """`query` narrowed by "for X": a "for ..." it already ends with is replaced."""
    body = query.rstrip(" ?.!")
    found = list(re.finditer(rf"\s{re.escape(preposition)}\s", body, flags=re.IGNORECASE))
    if found:
        body = body[: found[-1].start()]
    return f"{body} {preposition.lower()} {rest}?"


def _referring_pronoun(text: str) -> re.Match[str] | None:
    """The first pronoun of `text` that can refer to an earlier topic, or None."""
    dummies = [m.span() for m in _EXPLETIVE_RE.finditer(text)]
    for found in _PRONOUN_RE.finditer(text):
        if any(start <= found.start() < end for start, end in dummies):
            continue
        if found.group(1).lower() == "that":
            before = _WORD_RE.findall(text[: found.start()])
            if before and before[-1].lower() not in _THAT_AFTER:
                continue  # "a model that overfits": a relative clause
        return found
    return None


def _has_antecedent(text: str, position: int, match: MatchFn) -> bool:
    """True when what the pronoun at `position` refers to is named earlier in `text`.

    The antecedent must stand across a boundary ("and", a comma, a colon): in "how does
    PCA help with it?" PCA is the subject of the clause holding "it", so "it" is not PCA.
    """
    head = text[:position]
    cuts = [m.start() for m in _BOUNDARY_RE.finditer(head)]
    if not cuts:
        return False
    before = head[: cuts[-1]]
    if match(before):
        return True
    frame = _FRAME_RE.match(before)
    if frame is None:
        return False
    # "Explain t-SNE and its use": the object of the question, whether a known concept or not.
    obj = _WORD_RE.findall(before[frame.end() :])
    return bool(obj) and _PRONOUN_RE.search(" ".join(obj)) is None


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
        if swapped is None:  # "mini-batch" + "gradient descent" beats "mini-batch" alone
            swapped = _modified_head(surface, x, match)
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


def _modified_head(surface: str, x: str, match: MatchFn) -> str | None:
    """`x` in place of the first word of `surface` when that names a concept.

    "and mini-batch?" after "batch gradient descent" is "mini-batch gradient descent";
    "and logistic?" after "linear regression" is "logistic regression".
    """
    words = surface.split()
    if len(words) < 2:
        return None
    candidate = " ".join([x, *words[1:]])
    found = match(candidate)
    return candidate if any(s.lower() == candidate.lower() for _, s in found) else None


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
