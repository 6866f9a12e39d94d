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


def test_flags_are_grouped_by_kind(ui_state) -> None:
    items = contradictions.flags(ui_state.snapshot)
    order = [contradictions.KINDS.index(f.kind) for f in items]
    assert order == sorted(order)
    choices = contradictions.kind_choices(items)
    assert choices[0] == (f"all ({len(items)})", contradictions.ALL_KINDS)
    counts = contradictions.kind_counts(items)
    assert (f"antonym ({counts['antonym']})", "antonym") in choices
    assert all(f.kind == "antonym" for f in contradictions.of_kind(items, "antonym"))
    assert contradictions.of_kind(items, contradictions.ALL_KINDS) == items


def test_a_flag_marked_not_a_conflict_moves_to_the_marked_list(fresh_state) -> None:
    snapshot = fresh_state.snapshot
    before = contradictions.flags(snapshot)
    number = next(f.number for f in before if f.evidence_a == kbfixture.EVIDENCE_A)
    message = contradictions.mark(snapshot, number, "same claim, two wordings")
    assert "not a conflict" in message
    after = contradictions.flags(snapshot)
    assert len(after) == len(before) - 1
    assert all(f.evidence_a != kbfixture.EVIDENCE_A for f in after)
    marked = contradictions.flags(snapshot, marked=True)
    assert [f.evidence_a for f in marked] == [kbfixture.EVIDENCE_A]
    assert kbfixture.EVIDENCE_A in contradictions.marked_md(marked)
    # The chat no longer warns about it either.
    assert "shown again" in contradictions.unmark(snapshot, 1)
    assert len(contradictions.flags(snapshot)) == len(before)
    assert "Select a flag" in contradictions.mark(snapshot, None)
    assert "Select a marked flag" in contradictions.unmark(snapshot, 1)


def test_compare_a_group_of_answers(ui_state) -> None:
    choices = contradictions.compare_choices(ui_state.snapshot)
    assert choices and all("answers" in label for label, _ in choices)
    label, node_id = choices[0]
    summary, view = contradictions.compare_md(ui_state.snapshot, node_id)
    assert "compared sentence by sentence" in summary
    assert view.startswith("<table>") and view.count("<th>") >= 3
    result = contradictions.compare(ui_state.snapshot, node_id)
    for node in result.nodes:
        assert node.source in view
    assert "Pick a question" in contradictions.compare_md(ui_state.snapshot, None)[0]
