"""The follow-up resolver measured on its labelled set, `qagraph/data/eval/followups.jsonl`.

Each item is a two-turn conversation over the bundled corpus: a first question, then a
message that is either a follow-up leaning on it ("and its disadvantages?", "how does it
differ from lasso?", "what about for regression?") or a fresh question naming its own
concept, often with "it"/"its" ("Explain PCA and its significance."). `about` names the
concepts the message is about (any spelling the concept lookup resolves), `not_about`
those a follow-up must have left behind.

A fresh question is read correctly when it is taken as typed; a follow-up when it is
rewritten into a question naming every `about` concept and no `not_about` one. The chat
answers whatever the resolver makes of the message, so a fresh question rewritten is
answered from the previous topic: there must be none.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

from qagraph.ui.followup import Resolution, Topic, resolve
from qagraph.ui.handlers.chat import concept_matcher, related_concepts

SET = resources.files("qagraph") / "data" / "eval" / "followups.jsonl"
MIN_ACCURACY = 0.95


def load() -> list[dict]:
    with SET.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def tools(ui_state):
    snapshot = ui_state.snapshot
    return concept_matcher(snapshot), related_concepts(snapshot), snapshot.concepts


def read(item: dict, match, related) -> Resolution:
    """The message read after the first question, as the chat reads it."""
    named = match(item["first"])
    previous = Topic(item["first"], tuple(n for n, _ in named), tuple(s for _, s in named))
    return resolve(item["message"], previous, match, related)


def verdict(item: dict, resolution: Resolution, match, index) -> str:
    """ "" when the message was read correctly, else what went wrong."""
    if item["fresh"]:
        typed = " ".join(item["message"].split())
        return "" if resolution == Resolution(typed) else "fresh question rewritten"
    if not resolution.followup:
        return "follow-up taken as typed"
    names = {name for name, _ in match(resolution.query)}
    missing = [a for a in item["about"] if index.resolve(a) not in names]
    kept = [a for a in item.get("not_about", ()) if index.resolve(a) in names]
    if missing:
        return f"does not name {missing}"
    return f"still names {kept}" if kept else ""


def test_the_set_is_well_formed(tools) -> None:
    match, _, index = tools
    items = load()
    assert len(items) >= 60 and len({i["id"] for i in items}) == len(items)
    assert sum(i["fresh"] for i in items) >= 20 and sum(not i["fresh"] for i in items) >= 20
    for item in items:
        assert set(item) <= {"id", "first", "message", "fresh", "about", "not_about"}, item
        for name in [*item["about"], *item.get("not_about", ())]:
            assert index.resolve(name) is not None, f"{item['id']}: no concept {name!r}"
        if item["fresh"]:
            # A fresh question names the concepts it is about itself.
            named = {n for n, _ in match(item["message"])}
            assert {index.resolve(a) for a in item["about"]} <= named, item
    # Fresh questions leaning on "it"/"its" while naming a new concept: the hard case.
    pronouns = [i for i in items if i["fresh"] and {"it", "its"} & set(i["message"].split())]
    assert len(pronouns) >= 5


def test_the_resolver_reads_the_labelled_set(tools) -> None:
    match, related, index = tools
    items = load()
    wrong = []
    for item in items:
        resolution = read(item, match, related)
        why = verdict(item, resolution, match, index)
        if why:
            wrong.append(f"{item['id']} {item['message']!r} -> {resolution.query!r}: {why}")
    fresh = [i for i in items if i["fresh"]]
    rewritten = [w for w in wrong if w.endswith("fresh question rewritten")]
    accuracy = 1 - len(wrong) / len(items)
    figures = (
        f"follow-up resolver: {len(items) - len(wrong)}/{len(items)} read correctly "
        f"({accuracy:.1%}); follow-ups {len(items) - len(fresh) - len(wrong) + len(rewritten)}"
        f"/{len(items) - len(fresh)}; fresh questions rewritten {len(rewritten)}/{len(fresh)}"
    )
    print("\n" + figures + "".join(f"\n  miss: {w}" for w in wrong))
    assert not rewritten, figures + "\n" + "\n".join(rewritten)
    assert accuracy >= MIN_ACCURACY, figures + "\n" + "\n".join(wrong)
