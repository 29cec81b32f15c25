"""Interactive explorers, one per lesson: thin ipywidgets views over plain functions."""

from .constructors import constructor_explorer
from .setup import widget_check

__all__ = ["constructor_explorer", "widget_check"]
