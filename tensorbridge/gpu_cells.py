"""The ``%%gpu`` cell magic: a GPU cell runs where CUDA exists, and says it was not run elsewhere.

Without it, a learner without a GPU who chooses *Run All* stops at the first GPU cell's error. With it, the
cell prints one line and the notebook goes on; its stored output (from a real GPU run) stays in the saved file.

    %load_ext tensorbridge.gpu_cells
"""

from __future__ import annotations

import ast
from typing import Any

import torch

NOT_RUN = (
    'GPU cell not run: this machine has no CUDA device (see the cells labelled "Recorded on ..." for what a real '
    "GPU printed, where the course has a recording)."
)


def run_gpu_cell(source: str, namespace: dict[str, Any]) -> Any:
    """Run a cell's code in the notebook's namespace and return its last expression's value, like a cell does."""
    if not torch.cuda.is_available():
        print(NOT_RUN)
        return None
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<gpu cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<gpu cell>", "eval"), namespace)


def load_ipython_extension(ipython: Any) -> None:
    def gpu(line: str, cell: str) -> Any:
        return run_gpu_cell(cell, ipython.user_ns)

    ipython.register_magic_function(gpu, magic_kind="cell", magic_name="gpu")
