"""The Evaluation tab: pick a set, run it with a progress bar, read metrics and failures."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from qagraph.errors import QagraphError
from qagraph.ui.handlers import evaluation
from qagraph.ui.state import AppState
from qagraph.ui.tabs import Refresh

logger = logging.getLogger(__name__)

INTRO = (
    "Runs a graded query set (paraphrases, typos, acronyms, out-of-scope questions…) through "
    "each retrieval variant and scores the rankings. *Hit@1*: the top result answers the "
    "query; *MRR@10*, *nDCG@10*, *Recall@5*: ranking quality; *OOS acc*: out-of-scope queries "
    "refused; *False abstain*: in-scope queries refused."
)


def build(state: AppState) -> Refresh:
    """Lay out the Evaluation tab inside the current Blocks context and wire its events."""
    sets = evaluation.available_sets(state.eval_dir)
    gr.Markdown(INTRO)
    with gr.Row(equal_height=False):
        set_key = gr.Dropdown(
            elem_id="eval-set",
            label="Evaluation set",
            choices=sets,
            value=sets[0][1] if sets else None,
            scale=2,
        )
        split = gr.Radio(
            list(evaluation.SPLITS), value="test", label="Split", elem_id="eval-split", scale=1
        )
        variants = gr.CheckboxGroup(
            list(evaluation.VARIANTS),
            value=list(evaluation.VARIANTS),
            label="Retrieval variants",
            elem_id="eval-variants",
            scale=3,
        )
    run = gr.Button("Run evaluation", variant="primary", elem_id="eval-run")
    summary = gr.Markdown(
        "*Pick a set, a split and the variants to compare, then run.*",
        elem_id="eval-summary",
        min_height=60,
    )
    table = gr.Dataframe(
        elem_id="eval-table",
        headers=evaluation.metric_headers(),
        interactive=False,
        label="Metrics per variant",
    )
    chart = gr.Plot(elem_id="eval-chart", label="Metrics per variant", show_label=False)
    failures_of = gr.Dropdown(label="Failing queries of", choices=[], elem_id="eval-failures-of")
    failures = gr.Dataframe(
        elem_id="eval-failures",
        headers=evaluation.FAILURE_HEADERS,
        datatype=["str", "str", "str", "str", "markdown", "markdown"],
        interactive=False,
        wrap=True,
        max_height=420,
        column_widths=["8%", "10%", "22%", "12%", "24%", "24%"],
    )
    by_variant = gr.State({})

    def on_run(key: str, split_: str, chosen: list[str], progress=gr.Progress()) -> tuple:
        progress(0, desc="Loading the evaluation set")

        def report(done: int, total: int, message: str) -> None:
            progress((done, total), desc=message, unit="searches")

        try:
            path = evaluation.set_path(key, state.eval_dir)
            result = evaluation.run(state.snapshot, path, split_, chosen, progress=report)
        except QagraphError as exc:
            gr.Warning(str(exc))
            return f"**Evaluation failed:** {exc}", *([gr.skip()] * 5)
        names = list(result.failures)
        first = names[-1] if names else None  # the full system: its failures matter most
        return (
            result.summary,
            result.rows,  # the headers are fixed: `metric_headers()`
            result.figure,
            gr.update(choices=names, value=first),
            evaluation_rows(result.failures, first),
            result.failures,
        )

    def evaluation_rows(failures_: dict[str, Any], name: str | None) -> list[list[Any]]:
        return failures_.get(name, []) if name else []

    run.click(
        on_run,
        [set_key, split, variants],
        [summary, table, chart, failures_of, failures, by_variant],
        api_name="run_eval",
        concurrency_limit=1,
        show_progress_on=[summary],
    )
    failures_of.change(
        lambda name, data: evaluation_rows(data, name),
        [failures_of, by_variant],
        [failures],
        api_visibility="undocumented",
    )

    def refresh() -> dict:
        return gr.update(choices=evaluation.available_sets(state.eval_dir))

    return Refresh(refresh, [set_key])
