"""The domain vocabulary: concepts of the packaged glossary, whether or not a store has them.

Retrieval uses it to notice a query about a known machine-learning concept that no stored
node mentions ("lstm vs gru" in a store without recurrent networks): evidence for
abstaining. Only names and aliases are read, so this stays independent of how ingest
extracts concepts.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path

from qagraph.kb.records import Concept
from qagraph.kb.text import normalize

logger = logging.getLogger(__name__)


def glossary_path() -> Path:
    """The packaged glossary, `qagraph/data/glossary.json`."""
    return Path(str(resources.files("qagraph") / "data" / "glossary.json"))


@lru_cache(maxsize=4)
def load_vocabulary(path: Path | None = None) -> tuple[Concept, ...]:
    """Concepts (name and aliases) of a glossary file; empty when it is missing or bad."""
    path = path or glossary_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["concepts"] if isinstance(data, dict) else data
        return tuple(
            Concept(
                name=normalize(str(item["name"])),
                aliases=tuple(str(a) for a in item.get("aliases", ())),
                origin="glossary",
            )
            for item in items
            if isinstance(item, dict) and str(item.get("name", "")).strip()
        )
    except FileNotFoundError:
        return ()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring unreadable glossary %s: %s", path, exc)
        return ()
