"""Word classes for the noun-phrase chunker: stop words, generic nouns and part of speech.

No tagger model is needed: the lemminflect lexicon (bundled with the package, no download)
says which parts of speech a word can take, which is enough to tell "reduce" (only a verb,
so it ends a phrase) from "training" (a noun too, so it may be part of one). Words the
lexicon does not know are mostly technical terms and names, so they count as nouns.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import lemminflect

# Function words, pronouns, auxiliaries, discourse words and light verbs: never inside a
# concept name found by the chunker (glossary names may still hold them, "curse of ...").
STOP_WORDS = frozenset(
    """
    a about above across after again against all almost along already also although always
    am among an and another any anyone anything anyway are around as at away be because been
    before being below beside besides between beyond both but by can cannot could did do does
    doing done down during each either else enough especially etc even ever every everyone
    everything few for from further get gets getting given gives go goes going got had has
    have having he her here hers herself him himself his how however i if in instead into is
    it its itself just least less let like likely many may maybe me might mine more most
    much must my myself near need needs neither never nevertheless no nobody none nor not
    nothing now of off often on once one ones only onto or other others otherwise our ours
    ourselves out over own per perhaps please quite rather really same several shall she
    should since so some someone something sometimes somewhat such than that the their theirs
    them themselves then there therefore these they this those though through throughout thus
    to together too toward towards under unless until up upon us usually very via vs was we
    well were what whatever when whenever where whereas whether which while who whom whose
    why will with within without would yes yet you your yours yourself yourselves
    use uses used using make makes made making take takes took taken help helps want wants
    let lets say says said tell tells ask asks asked mean means think know knows see seen
    look looks come comes put puts keep keeps able new good better best great big small large
    high low different various certain specific particular similar main key important
    common typical typically simple simply first second third last next lastly finally
    actually basically generally usually often also e g ie eg vs etc via thanks hint
    versus vice versa whereby thereby hence
    zero two three four five six seven eight nine ten eleven twelve twenty thirty hundred
    thousand thousands million millions billion billions dozen dozens half
    accurate additional appropriate aspiring complete crucial critical current detailed
    difficult easier easy effective efficient entire essential excellent existing extra
    harder huge interesting latest massive necessary numerous overall personalized possible
    potential previous proper recent relevant reliable respective significant simpler
    simplest solid suitable thorough tiny useful valuable vast whole complex
    building making doing creating developing designing implementing choosing handling
    """.split()
)

# Nouns so general that alone they name no concept in any field ("way", "thing",
# "example"). They may still head a longer name ("example selection" stays a candidate).
GENERIC_NOUNS = frozenset(
    """
    ability abilities account action activity advantage advantages amount answer answers
    approach approaches area aspect aspects attempt basis benefit benefits bit case cases
    challenge challenges chance change changes choice choices concept concepts consideration
    context course detail details difference differences effect effects end example examples
    experience experiences fact factor factors fashion form goal goals guide idea ideas
    impact importance information insight insights instance issue issues item items job kind
    kinds level lot lots manner matter means measure method methods moment need number
    numbers option options order part parts people performance person piece place point
    points position problem problems process purpose question questions range reason reasons
    result results role scenario scenarios sense side situation situations skill skills
    solution solutions something sort source sources stage step steps strategy strategies
    structure subject task tasks technique techniques term terms thing things time times tip
    tips tool tools info stat stats topic topics tradeoff tradeoffs trade-off trade-offs
    type types understanding use value values variety way ways work world year years answer
    question interview interviews candidate candidates company
    """.split()
)

# Heads that only say what kind of thing the rest of the phrase is: "regularization
# methods" names the same concept as "regularization", so such a phrase is no candidate.
# Nor is a phrase naming a person or a post ("machine learning engineer", "data scientist"):
# concepts are ideas and methods, not the people who apply them.
GENERIC_HEADS = frozenset(
    """
    approach approaches aspect aspects concept concepts example examples factor factors
    idea ideas issue issues kind kinds lot lots method methods option options part parts
    problem problems question questions answer answers skill skills sort step steps
    strategy strategies task tasks technique techniques term terms thing things tip tips
    tool tools way ways
    analyst analysts candidate candidates colleague colleagues co-worker co-workers coworker
    coworkers company companies customer
    customers developer developers employee employees engineer engineers interviewer
    interviewers job jobs manager managers member members position positions recruiter
    recruiters role roles scientist scientists team teams user users
    aim aims goal goals interview interviews proficiency solution solutions understanding
    """.split()
)

_PARTICIPLE_SUFFIXES = ("ed", "ing", "en")


class WordClass(NamedTuple):
    """What a lower-case word can do in a noun phrase."""

    stop: bool
    noun: bool  # may end a phrase (can be a noun, or is unknown to the lexicon)
    modifier: bool  # may stand before the head (adjective, noun or participle)
    known: bool  # the lexicon knows the word


@functools.lru_cache(maxsize=65536)
def word_class(word: str) -> WordClass:
    """Classify a lower-case word (hyphenated compounds by their last part)."""
    # "we're", "don't": contractions are function words.
    if word in STOP_WORDS or len(word) < 2 and not word.isdigit() or "'" in word:
        return WordClass(stop=True, noun=False, modifier=False, known=True)
    last = word.rsplit("-", 1)[-1]
    if any(ch.isdigit() for ch in word):
        # "l1", "f1-score", "3x3": names, or sizes that never head a concept alone.
        return WordClass(stop=False, noun=not word.isdigit(), modifier=True, known=False)
    pos = set(lemminflect.getAllLemmas(last))
    if not pos:
        return WordClass(stop=False, noun=True, modifier=True, known=False)
    noun = bool(pos & {"NOUN", "PROPN"})
    participle = "VERB" in pos and last.endswith(_PARTICIPLE_SUFFIXES)
    modifier = noun or "ADJ" in pos or participle
    return WordClass(stop=not modifier, noun=noun, modifier=modifier, known=True)


def is_generic(words: list[str], extra: frozenset[str] | set[str] = frozenset()) -> bool:
    """True when a phrase says nothing specific: only generic words.

    Args:
        words: The phrase's words, lower case.
        extra: Words generic in this corpus ("model" where half the nodes say it).
    """
    return all(w in GENERIC_NOUNS or w in STOP_WORDS or w in extra for w in words)
