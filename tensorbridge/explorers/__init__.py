"""Interactive explorers, one per lesson: thin ipywidgets views over plain functions."""

try:
    from .batches import collate_explorer
    from .casting import casting_explorer
    from .constructors import constructor_explorer
    from .layout import layout_explorer
    from .performance import performance_explorer
    from .setup import widget_check
    from .to_numpy import chain_explorer
    from .transfers import plot_bandwidth, transfer_explorer
except ModuleNotFoundError as missing:  # a learner's own environment without ipywidgets: say so, keep the lesson
    if missing.name not in {"ipywidgets", "traitlets"}:
        raise
    from .missing import stand_ins

    names = ["casting_explorer", "chain_explorer", "collate_explorer", "constructor_explorer", "layout_explorer"]
    names += ["performance_explorer", "plot_bandwidth", "transfer_explorer", "widget_check"]
    globals().update(stand_ins(names))

__all__ = [
    "casting_explorer",
    "chain_explorer",
    "collate_explorer",
    "constructor_explorer",
    "layout_explorer",
    "performance_explorer",
    "plot_bandwidth",
    "transfer_explorer",
    "widget_check",
]

# Every explorer, by name: what the benchmark and the tests step through.
EXPLORERS = {
    "widget_check": widget_check,
    "constructor_explorer": constructor_explorer,
    "casting_explorer": casting_explorer,
    "chain_explorer": chain_explorer,
    "transfer_explorer": transfer_explorer,
    "layout_explorer": layout_explorer,
    "performance_explorer": performance_explorer,
    "collate_explorer": collate_explorer,
}
