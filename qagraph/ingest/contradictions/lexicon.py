"""The contradiction lexicon: opposite terms, amount words, universal and fallible claims.

The built-in lexicon is `qagraph/data/contradiction_lexicon.json`, written from general
machine-learning knowledge; users extend it with files of the same format (`qagraph
ingest --lexicon FILE`). Its sections:

- `axes`: named pairs of opposite poles, each a list of phrases ("global optimum" /
  "local optimum", "supervised" / "unsupervised", "bagging" / "boosting"). Two claims about
  the same thing that take opposite poles of one axis disagree.
- `amount`: words that say there is more of something (`more`: "more", "increases",
  "leads to") or less (`less`: "fewer", "reduces", "prevents"); the thing is the word after.
- `universal` ("always", "guarantees") and `fallible` ("can fail", "can get stuck", "not
  always"): a claim that something always holds against one that it can fail.
- `exclusive`: words that make a pole the only one ("only", "solely").
- `hedges`: words after a negation that keep it from denying ("not too much", "not
  necessarily").

A user file's axis with the name of a built-in one replaces it, `{"name": ..., "remove":
true}` deletes it, and its word lists extend the built-in ones. Phrases are matched on the
words as written (lower case, contractions expanded), so list the inflections you want.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from qagraph.errors import QagraphError
from qagraph.ingest.contradictions.words import tokens

logger = logging.getLogger(__name__)

_LISTS = ("universal", "fallible", "exclusive", "hedges")
_KNOWN = frozenset({"about", "axes", "amount", *_LISTS})

Phrase = tuple[str, ...]


class LexiconError(QagraphError):
    """A lexicon file is missing, unreadable or malformed (the message names it)."""


@dataclass(frozen=True, slots=True)
class Axis:
    """Two opposite poles; `poles[0]` counts as +1, `poles[1]` as -1."""

    name: str
    poles: tuple[tuple[Phrase, ...], tuple[Phrase, ...]]


@dataclass(frozen=True)
class Lexicon:
    """A loaded lexicon (hashable, so that per-text caches can key on it).

    Attributes:
        axes: The axes of opposite poles.
        more: Phrases saying there is more of the thing after them.
        less: Phrases saying there is less of it.
        universal: Phrases making a claim hold always.
        fallible: Phrases saying a claim can fail.
        exclusive: Words making a pole the only one.
        hedges: Words after a negation that keep it from denying.
        origins: Where the entries came from ("built-in", file names).
    """

    axes: tuple[Axis, ...]
    more: tuple[Phrase, ...]
    less: tuple[Phrase, ...]
    universal: tuple[Phrase, ...]
    fallible: tuple[Phrase, ...]
    exclusive: frozenset[str]
    hedges: frozenset[str]
    origins: tuple[str, ...] = ("built-in",)

    @functools.cached_property
    def _index(self) -> dict[Phrase, list[tuple[str, int]]]:
        index: dict[Phrase, list[tuple[str, int]]] = {}
        for axis in self.axes:
            for pole, sign in zip(axis.poles, (1, -1), strict=True):
                for phrase in pole:
                    index.setdefault(phrase, []).append((axis.name, sign))
        for phrase in self.more:
            index.setdefault(phrase, []).append(("amount", 1))
        for phrase in self.less:
            index.setdefault(phrase, []).append(("amount", -1))
        for phrase in self.universal:
            index.setdefault(phrase, []).append(("@universal", 1))
        for phrase in self.fallible:
            index.setdefault(phrase, []).append(("@fallible", -1))
        return index

    @functools.cached_property
    def longest(self) -> int:
        """Words of the longest phrase."""
        return max((len(p) for p in self._index), default=1)

    def lookup(self, phrase: Phrase) -> list[tuple[str, int]]:
        """(axis, sign) of every entry the phrase is: "amount", an axis name, or
        "@universal" / "@fallible"."""
        return self._index.get(phrase, [])


def builtin_lexicon_path() -> Path:
    """The lexicon shipped with qagraph."""
    return Path(str(resources.files("qagraph") / "data" / "contradiction_lexicon.json"))


def _phrases(items: Any, where: str) -> tuple[Phrase, ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise LexiconError(f"{where}: expected a list of strings")
    out = []
    for item in items:
        words = tuple(tokens(item))
        if not words:
            raise LexiconError(f"{where}: {item!r} holds no word")
        out.append(words)
    return tuple(dict.fromkeys(out))


def _axis(item: Any, where: str) -> Axis | str:
    """An axis, or the name of an axis to remove."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise LexiconError(f"{where}: an axis needs a 'name'")
    name = " ".join(item["name"].split()).casefold()
    if item.get("remove") is True:
        return name
    poles = item.get("poles")
    if not isinstance(poles, list) or len(poles) != 2:
        raise LexiconError(f"{where} ({name}): 'poles' must be two lists of phrases")
    first = _phrases(poles[0], f"{where} ({name}) first pole")
    second = _phrases(poles[1], f"{where} ({name}) second pole")
    if not first or not second:
        raise LexiconError(f"{where} ({name}): each pole needs at least one phrase")
    if set(first) & set(second):
        raise LexiconError(f"{where} ({name}): a phrase cannot be on both poles")
    return Axis(name, (first, second))


def _read(path: str, text: str | None) -> dict[str, Any]:
    name = Path(path).name
    if text is None:
        try:
            text = Path(path).read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise LexiconError(f"lexicon file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon file {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconError(f"lexicon {name}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"lexicon {name}: expected a JSON object")
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise LexiconError(
            f"lexicon {name}: unknown section {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(sorted(_KNOWN - {'about'}))})"
        )
    return data


class _Builder:
    def __init__(self) -> None:
        self.axes: dict[str, Axis] = {}
        self.lists: dict[str, list[Phrase]] = {k: [] for k in ("more", "less", *_LISTS)}

    def add(self, data: Mapping[str, Any], name: str) -> None:
        for i, item in enumerate(data.get("axes", []) or []):
            axis = _axis(item, f"lexicon {name} axis {i + 1}")
            if isinstance(axis, str):
                self.axes.pop(axis, None)
            else:
                self.axes[axis.name] = axis
        amount = data.get("amount", {}) or {}
        if not isinstance(amount, dict) or set(amount) - {"more", "less"}:
            raise LexiconError(f"lexicon {name}: 'amount' holds 'more' and 'less' lists")
        for key in ("more", "less"):
            self.lists[key].extend(_phrases(amount.get(key, []), f"lexicon {name} amount.{key}"))
        for key in _LISTS:
            self.lists[key].extend(_phrases(data.get(key, []) or [], f"lexicon {name} {key}"))

    def build(self, origins: Sequence[str]) -> Lexicon:
        def uniq(key: str) -> tuple[Phrase, ...]:
            return tuple(dict.fromkeys(self.lists[key]))

        return Lexicon(
            axes=tuple(self.axes.values()),
            more=uniq("more"),
            less=uniq("less"),
            universal=uniq("universal"),
            fallible=uniq("fallible"),
            exclusive=frozenset(w for p in self.lists["exclusive"] for w in p),
            hedges=frozenset(w for p in self.lists["hedges"] for w in p),
            origins=tuple(origins),
        )


@functools.lru_cache(maxsize=32)
def _load(paths: tuple[str, ...], builtin: bool, texts: tuple[tuple[str, str], ...]) -> Lexicon:
    given = dict(texts)
    builder = _Builder()
    origins = []
    if builtin:
        path = builtin_lexicon_path()
        builder.add(_read(str(path), None), "built-in")
        origins.append("built-in")
    for path in paths:
        builder.add(_read(path, given.get(path)), Path(path).name)
        origins.append(Path(path).name)
    return builder.build(origins)


def load_lexicon(
    paths: Iterable[str | Path] = (),
    *,
    builtin: bool = True,
    texts: Mapping[str, str] | None = None,
) -> Lexicon:
    """The built-in lexicon (unless `builtin` is False) extended by the files `paths`.

    Args:
        paths: User lexicon files, applied in order.
        builtin: Start from the built-in lexicon.
        texts: Content already read, by path (a file kept in the store).

    Raises:
        LexiconError: A file is missing, unreadable, not JSON or malformed.
    """
    given = tuple(sorted((str(k), v) for k, v in (texts or {}).items()))
    return _load(tuple(str(p) for p in paths), builtin, given)


def default_lexicon() -> Lexicon:
    """The built-in lexicon alone."""
    return load_lexicon()


def check_lexicon_text(text: str, name: str) -> None:
    """Raise `LexiconError` when `text` is not a valid lexicon file (named `name`)."""
    _Builder().add(_read(name, text), Path(name).name)


def read_lexicon_files(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """(absolute path, content) of each file, every one checked.

    Raises:
        LexiconError: A file is missing, unreadable, not JSON or malformed.
    """
    out = []
    for path in paths:
        absolute = Path(path).expanduser().absolute()
        try:
            text = absolute.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise LexiconError(f"lexicon file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon file {path}: {exc}") from exc
        check_lexicon_text(text, str(absolute))
        out.append((str(absolute), text))
    return out


def with_lexicon_files(config: Any, files: Sequence[tuple[str, str]]) -> Any:
    """An ingest configuration (`IngestConfig`) whose contradiction detection extends the
    built-in lexicon with `files` ((path, content) pairs)."""
    import dataclasses

    contradictions = dataclasses.replace(
        config.contradictions,
        lexicon_paths=tuple(p for p, _ in files),
        lexicon_texts=tuple(files),
    )
    return dataclasses.replace(config, contradictions=contradictions)
