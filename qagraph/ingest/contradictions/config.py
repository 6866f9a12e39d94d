"""`ContradictionConfig`: the settings of contradiction detection, its lexicon's included.

The defaults are tuned for all-MiniLM-L6-v2 and for precision: a flag a reader finds silly
costs more trust than a disagreement left unflagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qagraph.ingest.contradictions.divergence import DivergenceThresholds
from qagraph.ingest.contradictions.lexicon import Lexicon, load_lexicon


@dataclass(frozen=True, slots=True)
class ContradictionConfig:
    """Settings of contradiction detection.

    Attributes:
        enabled: Run detection during ingest.
        question_sim: Question cosine from which two nodes are compared.
        related_sim: Lower question cosine that suffices with a shared salient word.
        same_question_sim: Question cosine from which two questions are the same question.
        answer_sim: Answer TF-IDF cosine from which two nodes are compared.
        related_answer_sim: Lower answer TF-IDF cosine that suffices with a question cosine
            of at least `answer_question_sim`.
        answer_question_sim: See `related_answer_sim`.
        max_per_node: Most candidate partners per node.
        max_same_per_node: Most same-question partners per node, its closest: all of them
            in any real corpus, a bound for a question repeated hundreds of times.
        align_sim: Least cosine for two claims to be aligned.
        align_overlap: Least content-word Jaccard for two claims to be aligned.
        rule_sim: Least cosine of two aligned claims for a cue to count.
        rule_overlap: Least content-word Jaccard of two claims for a cue to count.
        divergence: Limits of the divergent-answer test.
        divergence_same_sim: Question cosine from which two questions of one source count
            as the same for the topic test of divergence.
        divergence_alike_sim: Question cosine from which two sources' questions sharing a
            salient word are compared by the topic test of divergence alone.
        min_score: Flags scoring lower are dropped.
        nli_model: CrossEncoder NLI model (name in the local cache, or directory) that must
            confirm each flag; None to rely on the rules alone.
        nli_threshold: Least contradiction probability for the NLI model to confirm.
        nli_device: Torch device of the NLI model.
        cross_questions: Also compare claims of answers to different questions that
            qualify the same concept (`blocking`, `opposition`).
        cross_sim: Least cosine of two such claims when they disagree on an amount
            ("reduces overfitting" / "leads to overfitting").
        cross_pole_sim: Least cosine when they put one concept on two poles of a lexicon
            axis ("PCA: feature selection" / "PCA: feature extraction").
        max_block_share: A concept in more than this share of the nodes blocks no pair.
        max_block: Most claims compared per concept block.
        lexicon_paths: User lexicon files extending the built-in one (`lexicon`).
        builtin_lexicon: Start from the built-in lexicon.
        lexicon_texts: (path, content) of lexicon files already read.
    """

    enabled: bool = True
    question_sim: float = 0.7
    related_sim: float = 0.5
    same_question_sim: float = 0.85
    answer_sim: float = 0.3
    related_answer_sim: float = 0.2
    answer_question_sim: float = 0.3
    max_per_node: int = 8
    max_same_per_node: int = 24
    align_sim: float = 0.55
    align_overlap: float = 0.2
    rule_sim: float = 0.7
    rule_overlap: float = 0.4
    divergence: DivergenceThresholds = field(default_factory=DivergenceThresholds)
    min_score: float = 0.5
    nli_model: str | None = None
    nli_threshold: float = 0.5
    nli_device: str = "cpu"
    divergence_same_sim: float = 0.9
    divergence_alike_sim: float = 0.55
    cross_questions: bool = True
    cross_sim: float = 0.6
    cross_pole_sim: float = 0.3
    max_block_share: float = 0.1
    max_block: int = 60
    lexicon_paths: tuple[str, ...] = ()
    builtin_lexicon: bool = True
    lexicon_texts: tuple[tuple[str, str], ...] = ()

    def lexicon(self) -> Lexicon:
        """The lexicon these settings name (raises `LexiconError` for a bad file)."""
        return load_lexicon(
            self.lexicon_paths, builtin=self.builtin_lexicon, texts=dict(self.lexicon_texts)
        )

    def __post_init__(self) -> None:
        if self.max_per_node < 1:
            raise ValueError(f"max_per_node must be at least 1, not {self.max_per_node}")
        if self.max_same_per_node < 1:
            raise ValueError(f"max_same_per_node must be at least 1, not {self.max_same_per_node}")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError(f"min_score must be in [0, 1], not {self.min_score}")
        if self.nli_model is not None and not self.nli_model.strip():
            raise ValueError("nli_model is empty: give a model name or directory, or None")
