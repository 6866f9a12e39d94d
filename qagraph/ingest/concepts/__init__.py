"""Concept extraction: keyphrases, acronyms, a curated glossary and variant folding."""

from __future__ import annotations

from qagraph.ingest.concepts.extract import (
    ConceptConfig,
    ConceptResult,
    Mention,
    extract_concepts,
)
from qagraph.ingest.concepts.glossary import (
    Glossary,
    GlossaryEntry,
    GlossaryError,
    builtin_glossary_path,
    load_glossary,
)

__all__ = [
    "ConceptConfig",
    "ConceptResult",
    "Glossary",
    "GlossaryEntry",
    "GlossaryError",
    "Mention",
    "builtin_glossary_path",
    "extract_concepts",
    "load_glossary",
]
