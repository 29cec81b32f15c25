"""Tensor Bridge: the helpers behind the course's notebooks.

Lessons import from the top floor only: a lesson's question bank (``tensorbridge.lesson01``) and the
explorers (``tensorbridge.explorers``). Everything below them is plain Python with no widgets.
"""

import sys

from .setup_check import too_old_line

__version__ = "0.1.0"

if (_line := too_old_line()) is not None:  # one line at import, instead of a traceback deep in a lesson
    print(_line, file=sys.stderr)
