"""Tensor Bridge: the helpers behind the course's notebooks.

Lessons import from the top floor only: a lesson's question bank (``tensorbridge.lesson01``) and the
explorers (``tensorbridge.explorers``). Everything below them is plain Python with no widgets.
"""

__version__ = "0.1.0"
