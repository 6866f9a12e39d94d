"""Evaluation: the graded query set (`dataset`), IR metrics (`metrics`), the runner that
compares retrieval variants side by side (`runner`) and its text/JSON rendering (`report`).
"""
