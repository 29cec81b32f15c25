"""Interactive explorers, one per lesson: thin ipywidgets views over plain functions."""

from .casting import casting_explorer
from .constructors import constructor_explorer
from .layout import layout_explorer
from .performance import performance_explorer
from .setup import widget_check
from .to_numpy import chain_explorer
from .transfers import plot_bandwidth, transfer_explorer

__all__ = [
    "casting_explorer",
    "chain_explorer",
    "constructor_explorer",
    "layout_explorer",
    "performance_explorer",
    "plot_bandwidth",
    "transfer_explorer",
    "widget_check",
]
