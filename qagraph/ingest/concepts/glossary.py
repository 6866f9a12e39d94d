"""The curated glossary: canonical names, aliases and broader concepts for a domain.

The package ships one for machine learning (`qagraph/data/glossary.json`). Users extend it
with their own files, or replace it. A file is a JSON object with a "concepts" list (or a
bare list) of entries::

    {"name": "support vector machine", "aliases": ["svm"], "broader": ["classification"],
     "description": "optional; tells apart the senses of an alias two entries share"}

An entry whose name is already known replaces the earlier entry; {"name": ...,
"remove": true} deletes it; and a name or alias a later file gives to an entry is taken
from the aliases of earlier files' entries (a user's {"name": "ridge regression"} splits
it from the built-in "l2 regularization"). Two entries of one file may share an alias
("lda"): which one a text means is then read from its context. Only entries the corpus
mentions become concepts.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from qagraph.errors import QagraphError
from qagraph.kb.terms import term_key
from qagraph.kb.text import normalize

logger = logging.getLogger(__name__)

_ALLOWED_KEYS = frozenset({"name", "aliases", "broader", "description", "remove"})


class GlossaryError(QagraphError):
    """A glossary file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One curated concept.

    Attributes:
        name: Canonical name, lower case.
        aliases: Other names (acronyms, spellings, synonyms).
        broader: Names of more general concepts (is-a or part-of).
        description: One sentence, used to choose between entries sharing an alias.
    """

    name: str
    aliases: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by the aliases."""
        return (self.name, *self.aliases)


def builtin_glossary_path() -> Path:
    """The machine-learning glossary shipped with the package."""
    return Path(str(resources.files("qagraph") / "data" / "glossary.json"))


class Glossary:
    """Entries by name, with an index from matching keys to the entries that use them.

    Args:
        entries: Entries in order; a later entry replaces an earlier one of the same name.
    """

    def __init__(self, entries: Iterable[GlossaryEntry] = ()) -> None:
        self._entries: dict[str, GlossaryEntry] = {}
        for entry in entries:
            self._entries[entry.name] = entry
        self._by_key: dict[str, list[str]] = {}
        for entry in self._entries.values():
            for name in entry.names:
                key = term_key(name)
                names = self._by_key.setdefault(key, [])
                if key and entry.name not in names:
                    names.append(entry.name)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def entries(self) -> list[GlossaryEntry]:
        """All entries, in file order."""
        return list(self._entries.values())

    def entry(self, name: str) -> GlossaryEntry:
        """The entry with this canonical name (KeyError when there is none)."""
        return self._entries[name]

    def lookup(self, text: str) -> list[str]:
        """Names of the entries that `text` (any spelling) may mean; several when ambiguous."""
        return list(self._by_key.get(term_key(text), ()))

    def keys(self) -> dict[str, list[str]]:
        """Every matching key with the names of the entries using it."""
        return {k: list(v) for k, v in self._by_key.items()}


def load_glossary(
    paths: Sequence[str | Path] = (),
    *,
    builtin: bool = True,
    texts: Mapping[str, str] | None = None,
) -> Glossary:
    """The built-in glossary (unless `builtin` is False) extended by the files in `paths`.

    Args:
        paths: Glossary files, in order.
        builtin: Start from the built-in glossary.
        texts: The content of some of `paths` (keyed by the path as given), used instead
            of reading the file: a store's copy of a glossary file that has since moved.

    Raises:
        GlossaryError: A file is missing, is not JSON, or has a malformed entry.
    """
    texts = texts or {}
    files = [(builtin_glossary_path(), None)] if builtin else []
    files += [(Path(p), texts.get(str(p))) for p in paths]
    merged: dict[str, GlossaryEntry] = {}
    for path, text in files:
        items = _read_items(path, text)
        claimed = {term_key(n) for item in items for n in (item["name"], *item.get("aliases", []))}
        for name, entry in list(merged.items()):
            aliases = tuple(a for a in entry.aliases if term_key(a) not in claimed)
            if aliases != entry.aliases:
                merged[name] = dataclasses.replace(entry, aliases=aliases)
        for item in items:
            name = item["name"]
            if item.get("remove"):
                merged.pop(name, None)
                continue
            merged.pop(name, None)  # a replaced entry takes the position of the new one
            merged[name] = GlossaryEntry(
                name=name,
                aliases=tuple(_clean_names(item.get("aliases", []))),
                broader=tuple(_clean_names(item.get("broader", []))),
                description=str(item.get("description", "")),
            )
    glossary = Glossary(merged.values())
    logger.debug("glossary of %d entries from %s", len(glossary), [str(f) for f, _ in files])
    return glossary


def _read_items(path: Path, text: str | None = None) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") if text is None else text)
    except FileNotFoundError:
        raise GlossaryError(f"glossary file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"cannot read glossary file {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise GlossaryError(f"glossary file {path} is not valid JSON: {exc}") from exc
    items = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise GlossaryError(f"glossary file {path} must hold a list of concepts")
    for number, item in enumerate(items, 1):
        problem = _problem(item)
        if problem:
            raise GlossaryError(f"glossary file {path}, concept {number}: {problem}")
        item["name"] = normalize(item["name"])
    return items


def _problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "must be an object with a name"
    unknown = set(item) - _ALLOWED_KEYS
    if unknown:
        return f"unknown field {sorted(unknown)[0]!r} (fields: {', '.join(sorted(_ALLOWED_KEYS))})"
    if not isinstance(item.get("name"), str) or not term_key(item["name"]):
        return "needs a non-empty 'name'"
    for key in ("aliases", "broader"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"'{key}' must be a list of strings"
    if not isinstance(item.get("description", ""), str):
        return "'description' must be a string"
    return None


def _clean_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        name = normalize(name)
        if name and name not in out:
            out.append(name)
    return out
