"""course.py open: where torch comes from on a first install, what JupyterLab is started with, how it stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402


@pytest.mark.parametrize(
    ("platform", "gpu", "local", "index"),
    [
        ("linux", False, False, course.CPU_TORCH_INDEX),  # PyPI would send the multi-GB CUDA build
        ("linux", True, False, None),  # a GPU: PyPI's CUDA build is the one to use
        ("linux", False, True, None),  # the machine's own mirror or wheel folder has torch
        ("linux", True, True, None),
        ("darwin", False, False, None),  # PyPI's macOS and Windows wheels are CPU (or MPS) builds
        ("win32", False, False, None),
    ],
)
def test_torch_index_for_each_machine(platform: str, gpu: bool, local: bool, index: str | None) -> None:
    assert course.torch_index(platform, gpu, local) == index


def test_cpu_index_is_pytorchs_documented_one() -> None:
    assert course.CPU_TORCH_INDEX == "https://download.pytorch.org/whl/cpu"


def test_only_this_machines_sources_count_as_local() -> None:
    config = (
        "global.index-url='https://pypi.org/simple'\n"
        "global.extra-index-url='file:///opt/pypi/simple https://mirror.example/simple'\n"
        ":env:.find-links='/opt/wheels'\n"
    )
    assert course.local_sources(config) == ["--index-url", "file:///opt/pypi/simple", "--find-links=/opt/wheels"]
    assert course.local_sources("global.index-url='https://pypi.org/simple'\n") == []
    assert course.local_sources(":env:.find-links='/opt/wheels'\n") == ["--no-index", "--find-links=/opt/wheels"]


def fake_pip(monkeypatch: pytest.MonkeyPatch, torch_installed: bool) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(args, **_kwargs):
        calls.append(list(args))
        return subprocess.CompletedProcess(args, 0 if torch_installed or "pip" in args else 1)

    monkeypatch.setattr(course.subprocess, "run", run)
    return calls


def test_first_install_on_a_cpu_only_linux_takes_the_cpu_build(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_pip(monkeypatch, torch_installed=False)
    monkeypatch.setattr(course.sys, "platform", "linux")
    monkeypatch.setattr(course, "has_nvidia_gpu", lambda: False)
    monkeypatch.setattr(course, "local_torch_available", lambda: False)
    course.install_cpu_torch_if_needed()
    pip = calls[-1]
    assert pip[pip.index("--index-url") + 1] == course.CPU_TORCH_INDEX and pip[-1] == "torch"
    assert "constraints.txt" in pip, "the CPU build must still be the pinned version"


def test_no_cpu_step_where_torch_is_there_or_a_gpu_is(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_pip(monkeypatch, torch_installed=True)
    course.install_cpu_torch_if_needed()
    assert len(calls) == 1, "torch already installed: nothing to decide"
    calls = fake_pip(monkeypatch, torch_installed=False)
    monkeypatch.setattr(course.sys, "platform", "linux")
    monkeypatch.setattr(course, "has_nvidia_gpu", lambda: True)
    course.install_cpu_torch_if_needed()
    assert not any("--index-url" in call for call in calls)


def test_lab_opens_lesson_00_without_news_and_stops_without_asking() -> None:
    args = course.lab_command(["--no-browser"])
    assert f"--LabApp.default_url=/lab/tree/{course.FIRST_LESSON}" in args and (ROOT / course.FIRST_LESSON).exists()
    assert "--ServerApp.answer_yes=True" in args and "--LabApp.news_url=None" in args
    assert args[-1] == "--no-browser", "extra arguments go to JupyterLab, last so they can override"
    settings = json.loads((course.LAB_SETTINGS / "overrides.json").read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert f"--LabApp.app_settings_dir={course.LAB_SETTINGS}" in args


CHILD = """
import signal, sys, time
from pathlib import Path
def bye(signum, frame):
    Path(sys.argv[1]).write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_launcher_stops_the_server_too(tmp_path: Path, sent: signal.Signals) -> None:
    """course.py stopped by SIGTERM (a service manager) or SIGINT leaves no server running."""
    marker = tmp_path / "stopped"
    (tmp_path / "child.py").write_text(CHILD)
    supervisor = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); import course; "
        f"sys.exit(course.supervise([sys.executable, {str(tmp_path / 'child.py')!r}, {str(marker)!r}]))"
    )
    launcher = subprocess.Popen([sys.executable, "-c", supervisor], stdout=subprocess.PIPE, text=True)
    assert launcher.stdout.readline().strip() == "ready"
    launcher.send_signal(sent)
    assert launcher.wait(timeout=20) == 0
    deadline = time.monotonic() + 5
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.read_text() == "SIGTERM", "the server was not asked to shut down"
