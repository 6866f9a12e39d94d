"""Calibrated abstention: should the knowledge base answer this query at all?

A raw top-1 cosine is an overconfident gate: an off-topic query always has *some* nearest
question. Several query-level features go into a logistic model fitted on the dev split of
the evaluation set (`qagraph.eval.tune`), stored per model in `qagraph/data/abstain.json`.
Without fitted parameters for the model in use (e.g. the hashing test encoder) a fixed,
conservative rule applies instead.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

logger = logging.getLogger(__name__)

FEATURES = ("q_top", "a_top", "q_margin", "overlap", "known", "concept", "uncovered_concept")
"""Query features: best question cosine, best answer-chunk cosine, lead of the best question
over the best differently-worded one, share of query words in the top hit, share of query
words the corpus knows (as typed or corrected), best match of a concept the store has, best
match of a glossary concept no stored node mentions."""

PARAMS_FILE = "abstain.json"


def default_params_path() -> Path:
    """The packaged parameters file, `qagraph/data/abstain.json`."""
    return Path(str(resources.files("qagraph") / "data" / PARAMS_FILE))


class Decision(NamedTuple):
    """An abstention verdict.

    Attributes:
        abstain: True when the query should not be answered from the knowledge base.
        confidence: Estimated probability that the knowledge base covers the query.
        rule: "model" (fitted logistic model) or "fallback" (fixed thresholds).
        reason: Why it abstains, in words a reader can act on ("" when it answers).
    """

    abstain: bool
    confidence: float
    rule: str
    reason: str = ""


NO_SHARED_WORDS = "no word or concept of the question occurs in the knowledge base"


def explain(features: Mapping[str, float], confidence: float, threshold: float) -> str:
    """The evidence behind a refusal: the estimate against its threshold and the best match."""
    parts = [
        f"estimated chance that the knowledge base covers the question {confidence:.2f}, "
        f"below {threshold:.2f}",
        f"closest stored question at cosine {features.get('q_top', 0.0):.2f}",
        f"closest answer passage at {features.get('a_top', 0.0):.2f}",
        f"{features.get('overlap', 0.0):.0%} of the question's words in the best match",
    ]
    if features.get("uncovered_concept", 0.0) >= 0.5:
        parts.append("it names a known concept that no stored answer mentions")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """A logistic model over standardised features; p = sigmoid(intercept + coef . z)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    note: str = ""

    def probability(self, features: Mapping[str, float]) -> float:
        """Probability that the query is covered."""
        z = sum(
            c * (float(features.get(name, 0.0)) - m) / s
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, self.intercept + z))))

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> LogisticModel:
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data.get("threshold", 0.5)),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True, slots=True)
class FallbackRule:
    """Fixed thresholds used when no model is fitted for the encoder.

    It abstains when the query shares no word and no concept with the corpus, or when
    neither the dense nor the lexical evidence is decent.

    Attributes:
        min_q_top: Question cosine that alone is enough evidence.
        min_overlap: Share of query words in the top hit that alone is enough evidence.
    """

    min_q_top: float = 0.6
    min_overlap: float = 0.6

    def decide(self, features: Mapping[str, float]) -> Decision:
        known, concept = features.get("known", 0.0), features.get("concept", 0.0)
        q_top, overlap = features.get("q_top", 0.0), features.get("overlap", 0.0)
        if known == 0 and concept == 0:
            return Decision(True, 0.0, "fallback", NO_SHARED_WORDS)
        covered = q_top >= self.min_q_top or overlap >= self.min_overlap
        confidence = max(0.0, min(1.0, max(q_top / self.min_q_top, overlap / self.min_overlap)))
        reason = (
            ""
            if covered
            else (
                f"closest stored question at cosine {q_top:.2f} (needs {self.min_q_top:.2f}) and "
                f"{overlap:.0%} of the question's words in the best match (needs "
                f"{self.min_overlap:.0%})"
            )
        )
        return Decision(not covered, round(0.5 * confidence, 4), "fallback", reason)


class Abstainer:
    """Applies the fitted model for an encoder, or the fallback rule.

    Args:
        model: The fitted model, or None for the fallback rule.
        fallback: The rule used without a model.
    """

    def __init__(self, model: LogisticModel | None, fallback: FallbackRule | None = None) -> None:
        self.model = model
        self.fallback = fallback or FallbackRule()

    @classmethod
    def for_encoder(cls, encoder_name: str, path: Path | None = None) -> Abstainer:
        """The abstainer fitted for `encoder_name` in the parameters file, if any."""
        models = load_models(path or default_params_path())
        model = models.get(encoder_name)
        if model is None:
            logger.info("no abstention model for %s: using fixed thresholds", encoder_name)
        return cls(model)

    def decide(self, features: Mapping[str, float]) -> Decision:
        """Whether to abstain on a query with these features."""
        if self.model is None:
            return self.fallback.decide(features)
        if features.get("known", 0.0) == 0 and features.get("concept", 0.0) == 0:
            return Decision(True, 0.0, "model", NO_SHARED_WORDS)  # never guess
        p = self.model.probability(features)
        if p >= self.model.threshold:
            return Decision(False, round(p, 4), "model")
        return Decision(True, round(p, 4), "model", explain(features, p, self.model.threshold))


def load_models(path: Path) -> dict[str, LogisticModel]:
    """Encoder name -> fitted model from a parameters file; empty when it is missing or bad."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: LogisticModel.from_json(m) for name, m in data.get("models", {}).items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring unreadable abstention parameters %s: %s", path, exc)
        return {}


def save_model(path: Path, encoder_name: str, model: LogisticModel) -> None:
    """Store `model` for `encoder_name` in the parameters file, keeping other encoders'."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        data = {}
    data["version"] = 1
    data.setdefault("models", {})[encoder_name] = model.to_json()
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _sample_weights(y: np.ndarray, groups: Sequence[str] | None, balanced: bool) -> np.ndarray:
    """Row weights averaging 1: equal per group, and per class within it when balanced."""
    labels = np.asarray(groups if groups is not None else [""] * len(y))
    if len(labels) != len(y):
        raise ValueError(f"{len(labels)} groups for {len(y)} rows")
    w = np.ones_like(y)
    names = sorted(set(labels.tolist()))
    for name in names:
        member = labels == name
        if not balanced:
            w[member] = 1.0 / member.sum()
            continue
        for cls in (0.0, 1.0):
            cell = member & (y == cls)
            classes = len({float(v) for v in y[member]})
            if cell.any():
                w[cell] = 1.0 / (classes * cell.sum())
    return w * len(y) / w.sum()


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    covered: Sequence[bool],
    *,
    features: Sequence[str] = FEATURES,
    l2: float = 1.0,
    balanced: bool = True,
    groups: Sequence[str] | None = None,
    note: str = "",
) -> LogisticModel:
    """Fit a class-balanced, L2-regularised logistic model by Newton's method.

    Args:
        rows: Feature values of each dev query.
        covered: Whether each query is covered (should be answered).
        features: Which features to use.
        l2: Ridge penalty on the coefficients (not the intercept); a few dozen dev queries
            need it to keep the model from overfitting.
        balanced: Weigh both classes equally whatever their counts; False keeps the dev
            split's own share of uncovered queries as the prior.
        groups: The corpus of each row: every corpus then weighs the same in the fit
            (and, when `balanced`, both classes within it), so a large or easy query set
            does not set the boundary for the others.
        note: Free text recorded with the model (data used, date).

    Raises:
        ValueError: When both classes are not represented.
    """
    y = np.asarray(covered, dtype=float)
    if len(rows) != len(y) or y.min(initial=1) == y.max(initial=0):
        raise ValueError("fitting abstention needs covered and uncovered queries")
    x = np.array([[float(r.get(f, 0.0)) for f in features] for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = _sample_weights(y, groups, balanced)
    penalty = np.diag([0.0] + [l2] * len(features))
    beta = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -60, 60)))
        grad = z.T @ (w * (p - y)) + penalty @ beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return LogisticModel(
        features=tuple(features),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        coef=tuple(round(float(v), 6) for v in beta[1:]),
        intercept=round(float(beta[0]), 6),
        note=note,
    )
