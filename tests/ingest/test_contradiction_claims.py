"""Splitting answers into claims: sentences, list items, table cells; markdown kept out."""

from __future__ import annotations

from qagraph.ingest.contradictions.claims import (
    answer_segments,
    looks_like_code,
    split_claims,
    split_sentences,
)

ANSWER = """\
## Overview

**Both** L1 and L2 regularization reduce [overfitting](https://example.com/x), e.g. in \
linear models. L2 is less robust; it has a stable solution. Why does it matter?

How to Answer

- Cross-validation: split the data into training and testing folds
- `Dropout` randomly deactivates neurons
1. Early stopping halts training when validation loss rises

| Decision Tree | Random Forest | |
|---|---|---|
| Overfitting | More prone | Less prone |
| Structure | Single tree | — |

| Function | Output Range |
|---|---|
| Sigmoid | 0–1 |

```
def fit(x):
    return x * 2
```
x_train = scaler.fit_transform(x_train)
"""


def texts(markdown: str) -> list[str]:
    return [c.text for c in split_claims(markdown)]


def test_sentences_items_and_cells_become_claims_in_order() -> None:
    claims = split_claims(ANSWER)
    assert [c.index for c in claims] == list(range(len(claims)))
    assert [c.text for c in claims] == [
        "Both L1 and L2 regularization reduce overfitting, e.g. in linear models.",
        "L2 is less robust",
        "it has a stable solution.",
        "Cross-validation: split the data into training and testing folds",
        "Dropout randomly deactivates neurons",
        "Early stopping halts training when validation loss rises",
        "Decision Tree, overfitting: More prone",
        "Random Forest, overfitting: Less prone",
        "Decision Tree, structure: Single tree",
        "Sigmoid, output range: 0–1",
    ]
    kinds = {c.text: c.kind for c in claims}
    assert kinds["L2 is less robust"] == "sentence"
    assert kinds["Dropout randomly deactivates neurons"] == "item"
    assert kinds["Sigmoid, output range: 0–1"] == "cell"


def test_markdown_code_questions_and_fragments_stay_out() -> None:
    found = " ".join(texts(ANSWER))
    for absent in ("**", "](", "https", "`", "##", "def fit", "x_train", "How to Answer", "?"):
        assert absent not in found


def test_segments_keep_questions_for_what_an_answer_is_about() -> None:
    segments = answer_segments("How will the search be assessed? Is an ML solution needed?")
    assert segments == ("How will the search be assessed?", "Is an ML solution needed?")
    assert split_claims("How will the search be assessed? Is an ML solution needed?") == ()


def test_sentence_splitter_keeps_abbreviations_and_decimals() -> None:
    assert split_sentences("An AUC of 0.5 is random, i.e. useless. Use 1.5 IQR (eg. Q3).") == [
        "An AUC of 0.5 is random, i.e. useless.",
        "Use 1.5 IQR (eg. Q3).",
    ]


def test_quoted_example_answers_lose_their_quotes() -> None:
    assert texts("\u201cWe can use the Sieve of Eratosthenes to find primes.\u201d") == [
        "We can use the Sieve of Eratosthenes to find primes."
    ]


def test_code_lines_are_recognised() -> None:
    assert looks_like_code("for i in range(2, int(N**0.5) + 1):")
    assert looks_like_code("model.compile(optimizer='adam', loss='mse')")
    assert not looks_like_code("Random forests average many decision trees.")
    assert split_claims("") == ()
