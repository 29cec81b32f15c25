"""The room recipe's cheap parts: the hub settings load and hold what the measured room needed, the links are
nbgitpuller's, and the Binder install is the pinned CPU set. The load test itself is a documented command."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from traitlets.config import PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
HUB = ROOT / "hub"


def load_pull_link():
    spec = importlib.util.spec_from_file_location("pull_link", HUB / "pull_link.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hub_config_loads_and_gives_a_room_time_memory_and_culling() -> None:
    config = PyFileConfigLoader(str(HUB / "jupyterhub_config.py")).load_config()
    spawner = config.Spawner
    assert spawner.start_timeout >= 120 and spawner.http_timeout >= 120, "JupyterHub's 30 s killed a room's starts"
    assert int(spawner.mem_guarantee.rstrip("M")) >= 640, "a lesson and its exercises measured about 630 MiB"
    assert int(spawner.mem_limit.rstrip("M")) > int(spawner.mem_guarantee.rstrip("M"))
    assert 0 < spawner.cpu_guarantee <= spawner.cpu_limit
    assert any(arg.startswith("--MappingKernelManager.cull_idle_timeout=") for arg in spawner.args)
    (culler,) = config.JupyterHub.services
    assert "jupyterhub_idle_culler" in culler["command"]
    (role,) = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]


def test_pull_link_opens_the_lesson_in_the_learners_copy() -> None:
    pull_link = load_pull_link()
    link = pull_link.pull_link("https://hub.example.org/", "https://github.com/someone/tensor-bridge")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    assert parse_qs(parts.query) == {
        "repo": ["https://github.com/someone/tensor-bridge"],
        "branch": ["main"],
        "urlpath": ["lab/tree/tensor-bridge/notebooks/00_start_here.ipynb"],
    }
    assert pull_link.folder_for("file:///srv/course.git/") == "course.git", "nbgitpuller keeps .git in the name"
    with pytest.raises(ValueError, match="http"):
        pull_link.pull_link("hub.example.org", "https://github.com/someone/tensor-bridge")


def test_binder_installs_the_pinned_set_with_cpu_torch_and_nbgitpuller() -> None:
    lines = [line.split("#")[0].strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "-c ../constraints.txt" in lines and "-r ../requirements.txt" in lines
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert any(line.startswith("nbgitpuller==") for line in lines)
    assert (ROOT / "binder" / "runtime.txt").read_text() == (ROOT / "runtime.txt").read_text()
    hub = (HUB / "requirements.txt").read_text().splitlines()
    assert "-r ../binder/requirements.txt" in hub
    assert all("==" in line for line in hub if line and not line.startswith(("#", "-"))), "the hub is pinned too"


def test_binder_post_build_gives_jupyterlab_the_course_settings(tmp_path: Path) -> None:
    """No news pop-up and labelled exercise tabs on Binder too: postBuild puts the settings where JupyterLab looks."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python").write_text(f"#!/bin/sh\necho {tmp_path / 'prefix'}\n")  # stands for the image's Python
    (fake / "python").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "binder/postBuild"], cwd=ROOT, env=env, check=True)
    installed = tmp_path / "prefix" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    course_settings = ROOT / "jupyterlab-settings" / "overrides.json"
    assert json.loads(installed.read_text()) == json.loads(course_settings.read_text())
