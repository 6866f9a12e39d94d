"""The Contradictions tab's handlers: the flags, their table and both nodes in full."""

from __future__ import annotations

import kbfixture

from qagraph.ui.handlers import contradictions


def test_flags_come_from_contradicts_edges(ui_state) -> None:
    flags = contradictions.flags(ui_state.snapshot)
    ours = [f for f in flags if f.evidence_a == kbfixture.EVIDENCE_A]
    assert len(ours) == 1
    flag = ours[0]
    assert flag.kind == "antonym" and flag.score == 0.8
    assert flag.a.source == "000_bf0be15a9e8227b4.txt"
    assert flag.b.source == "004_b005460a21cad71f.txt"
    assert flag.label().endswith("000_bf0be15a9e8227b4.txt L5 vs 004_b005460a21cad71f.txt #14")
    assert [f.number for f in flags] == list(range(1, len(flags) + 1))


def test_the_table_has_the_evidence_of_each_flag(ui_state) -> None:
    flags = contradictions.flags(ui_state.snapshot)
    rows = contradictions.table(flags)
    assert len(rows) == len(flags) and len(rows[0]) == len(contradictions.HEADERS)
    assert any(kbfixture.EVIDENCE_B in row for row in rows)
    assert "flagged pair" in contradictions.summary_md(flags)


def test_detail_shows_both_nodes_in_full_with_the_evidence_marked(ui_state) -> None:
    flags = contradictions.flags(ui_state.snapshot)
    number = next(f.number for f in flags if f.evidence_a == kbfixture.EVIDENCE_A)
    header, side_a, side_b = contradictions.detail(ui_state.snapshot, number)
    assert "antonym contradiction" in header and kbfixture.EVIDENCE_A in header
    assert f"<mark>{kbfixture.EVIDENCE_A}</mark>" in side_a
    assert "L2 Regularization, also called ridge regression" in side_a  # the whole answer
    assert f"<mark>{kbfixture.EVIDENCE_B}</mark>" in side_b
    assert "What’s the difference between Lasso and Ridge Regression?" in side_b


def test_detail_without_a_valid_pick_asks_for_one(ui_state) -> None:
    assert "Select a flag" in contradictions.detail(ui_state.snapshot, None)[0]
    assert "Select a flag" in contradictions.detail(ui_state.snapshot, 9999)[0]
