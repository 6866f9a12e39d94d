"""Handlers: one module per tab, plain functions over a `Snapshot`, no Gradio imports.

They return plain data and markdown, so tests call them directly and the tab builders only
translate between them and components.
"""
