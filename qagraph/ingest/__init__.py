"""Ingest: read documents, split them into Q/A nodes, and write a store."""
