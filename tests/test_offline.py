"""The suite's kernels run with the network refused beyond this machine, so the lessons are proven offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OFFLINE = Path(__file__).resolve().parent / "offline"
sys.path.insert(0, str(OFFLINE))
import sitecustomize as guard  # noqa: E402  (tests/offline/sitecustomize.py, imported by name here)


def test_only_loopback_counts_as_local() -> None:
    for host in ["127.0.0.1", "127.0.0.53", "::1", "localhost", "LOCALHOST", "", None, b"x"]:
        assert guard.is_local(host), host
    for host in ["203.0.113.7", "10.0.0.1", "192.168.1.1", "2001:db8::1", "example.com", "pypi.org"]:
        assert not guard.is_local(host), host


def test_kernels_started_by_the_suite_load_the_guard() -> None:
    assert str(OFFLINE) in os.environ["PYTHONPATH"].split(os.pathsep)
    probe = (
        "import socket\n"
        "assert socket.socket.connect.__name__ == '_offline_connect'\n"
        "try:\n    socket.getaddrinfo('example.com', 80)\n"
        "except OSError as e:\n    print(e)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ)
    assert result.returncode == 0, result.stderr
    assert "works offline" in result.stdout and "example.com" in result.stdout
