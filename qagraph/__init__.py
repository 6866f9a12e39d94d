"""qagraph: a knowledge-graph Q&A chatbot over question-and-answer documents."""

from __future__ import annotations

__version__ = "0.1.0"
