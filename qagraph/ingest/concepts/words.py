"""Word classes for the noun-phrase chunker: stop words, generic nouns and part of speech.

No tagger model is needed: the lemminflect lexicon (bundled with the package, no download)
says which parts of speech a word can take, which is enough to tell "reduce" (only a verb,
so it ends a phrase) from "training" (a noun too, so it may be part of one). Words the
lexicon does not know are mostly technical terms and names, so they count as nouns.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from qagraph.kb.terms import all_lemmas
from qagraph.kb.text import STOP_WORDS as CORE_STOP_WORDS

# The text core's function words, and what the chunker adds to them: negations,
# quantifiers and numerals, light verbs and evaluative adjectives. None of these is ever
# inside a concept name found by the chunker (glossary names may still hold them, "curse
# of ...").
STOP_WORDS = CORE_STOP_WORDS | frozenset(
    """
    accurate actually additional all always anyway appropriate ask asked asks aspiring
    basically besides best better big billion billions building cannot certain choosing
    come comes common complete complex creating critical crucial current designing detailed
    developing different difficult dozen dozens easier easy effective efficient eight eleven
    entire essential every excellent existing extra few finally first five four generally
    given gives good great half handling harder help helps hence high hint huge hundred
    implementing important interesting keep keeps key know knows large last lastly latest
    least less look looks low main many massive mean means million millions more most must
    necessary need needs neither never new next nine no nobody none nor not nothing numerous
    overall particular personalized possible potential previous proper put puts recent
    relevant reliable respective second see seen seven significant similar simple simpler
    simplest simply six small solid specific suitable take taken takes tell tells ten thanks
    thereby think third thirty thorough thousand thousands three tiny took twelve twenty two
    typical typically useful valuable various vast versa versus vice want wants whereby
    whole without zero
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
    pos = set(all_lemmas(last))
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
