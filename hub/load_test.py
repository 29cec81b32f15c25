"""A room of learners on a real JupyterHub, on this machine only: time, failures and memory per learner.

Starts JupyterHub (with hub/jupyterhub_config.py, a shared-password login and a local process spawner) behind
configurable-http-proxy, all on 127.0.0.1. Each simulated learner starts a server, logs in, follows the
nbgitpuller link to lesson 01 as a browser would, and runs the lesson (then its exercise notebook) cell by cell
through the kernel protocol. Everything stops by itself (a deadline bounds the whole run) and is removed after.

    python3 -m venv /tmp/hubenv && /tmp/hubenv/bin/pip install -r hub/requirements.txt
    npm install --prefix /tmp/chp configurable-http-proxy@5.3.0
    PATH=/tmp/chp/node_modules/.bin:$PATH /tmp/hubenv/bin/python hub/load_test.py --learners 10

The course given to nbgitpuller is this repository's last commit (a local bare clone): commit what you test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pull_link import pull_link  # noqa: E402 - this folder is not a package

ROOT = Path(__file__).resolve().parent.parent
ROOM_CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"
COURSE = "tensor-bridge"  # the folder nbgitpuller clones into: the last part of the repository's URL
NOTEBOOKS = ["notebooks/01_numpy_to_tensor.ipynb", "exercises/01_numpy_to_tensor.ipynb"]
PASSWORD = uuid.uuid4().hex
MAX_LEARNERS = 40
MIB = 1024 * 1024


@dataclass
class Learner:
    name: str
    ok: bool = False
    failure: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # step -> seconds, in order
    errors: dict[str, int] = field(default_factory=dict)  # notebook -> cells that raised unexpectedly
    expected_errors: dict[str, int] = field(default_factory=dict)  # notebook -> raises-exception cells that raised
    peak_mib: float = 0.0  # all of the learner's processes (server, kernels, git) at once
    kernel_mib: dict[str, float] = field(default_factory=dict)  # notebook -> its kernel's RSS after the last cell
    cpu_s: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """JupyterHub and its proxy in a scratch folder, stopped and removed on exit."""

    def __init__(self, scratch: Path, token: str) -> None:
        self.scratch, self.token = scratch, token
        self.port, self.api_port, self.hub_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def config(self) -> Path:
        local = f"""
c = get_config()
load_subconfig({str(ROOM_CONFIG)!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {self.hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {PASSWORD!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.Spawner.ip = "127.0.0.1"
c.SimpleLocalProcessSpawner.home_dir_template = {str(self.scratch / "homes" / "{username}")!r}
c.Spawner.args = c.Spawner.args + (["--allow-root"] if {os.geteuid() == 0} else [])
c.JupyterHub.services = c.JupyterHub.services + [{{"name": "load-test", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = c.JupyterHub.load_roles + [{{
    "name": "load-test",
    "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"],
    "services": ["load-test"],
}}]
"""
        path = self.scratch / "jupyterhub_config.py"
        path.write_text(local)
        return path

    def start(self, timeout: float) -> None:
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        log = open(self.scratch / "jupyterhub.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.config())],
            cwd=self.scratch,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited; see {self.scratch / 'jupyterhub.log'}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError("JupyterHub did not answer in time")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=30, **kwargs)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the hub stops its proxy and servers
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Sampler(threading.Thread):
    """Every 0.5 s, the memory of each learner's processes (found by JUPYTERHUB_USER) and of hub and proxy."""

    def __init__(self, names: set[str]) -> None:
        super().__init__(daemon=True)
        self.names, self.stop_event = names, threading.Event()
        self.owner: dict[int, str | None] = {}
        self.peak: dict[str, float] = {}
        self.cpu: dict[int, tuple[str, float]] = {}
        self.hub_peak = {"jupyterhub": 0.0, "configurable-http-proxy": 0.0}

    def who(self, proc: psutil.Process) -> str | None:
        if proc.pid not in self.owner:
            try:
                self.owner[proc.pid] = proc.environ().get("JUPYTERHUB_USER")
            except (psutil.Error, OSError):
                self.owner[proc.pid] = None
        return self.owner[proc.pid]

    def sample(self) -> None:
        totals: dict[str, float] = {}
        for proc in psutil.process_iter(["cmdline"]):
            try:
                rss = proc.memory_info().rss / MIB
                user = self.who(proc)
                if user in self.names:
                    totals[user] = totals.get(user, 0.0) + rss
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = (user, times.user + times.system)
                    continue
                cmd = " ".join(proc.info["cmdline"] or [])
                for name in self.hub_peak:
                    if name in cmd and "load_test" not in cmd and "idle_culler" not in cmd:
                        self.hub_peak[name] = max(self.hub_peak[name], rss)
            except (psutil.Error, OSError):
                continue
        for user, total in totals.items():
            self.peak[user] = max(self.peak.get(user, 0.0), total)

    def cpu_seconds(self, user: str) -> float:
        return sum(seconds for owner, seconds in self.cpu.values() if owner == user)

    def run(self) -> None:
        while not self.stop_event.wait(0.5):
            self.sample()


def run_cells(ws: websocket.WebSocket, cells: list[dict], deadline: float) -> tuple[int, int]:
    """Execute each code cell, waiting for its reply and for the kernel to be idle: (unexpected, expected) errors."""
    unexpected = expected = 0
    session = uuid.uuid4().hex
    for cell in cells:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "", "version": "5.3"}
        content = {"code": "".join(cell["source"]), "silent": False, "store_history": True, "allow_stdin": False}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        ws.send(json.dumps(message))
        replied = idle = raised = False
        while not (replied and idle):
            ws.settimeout(max(1.0, deadline - time.monotonic()))
            reply = json.loads(ws.recv())
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = reply["header"]["msg_type"]
            replied |= kind == "execute_reply"
            idle |= kind == "status" and reply["content"]["execution_state"] == "idle"
            raised |= kind == "error"
        if raised and "raises-exception" in cell.get("metadata", {}).get("tags", []):
            expected += 1
        elif raised:
            unexpected += 1
    return unexpected, expected


def learner_run(hub: Hub, learner: Learner, upstream: str, branch: str, sampler: Sampler, deadline: float) -> None:
    """One learner, as JupyterLab and the nbgitpuller page would do it; the first failure ends this learner."""
    started = last = time.monotonic()

    def step(name: str) -> None:
        nonlocal last
        now = time.monotonic()
        learner.seconds[name] = round(now - last, 2)
        last = now

    name = learner.name
    try:
        hub.api("POST", f"/users/{name}/server").raise_for_status()
        while not hub.api("GET", f"/users/{name}").json()["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise TimeoutError("server not ready before the deadline")
            time.sleep(1)
        step("server ready")

        browser = requests.Session()
        browser.get(f"{hub.url}/hub/login", timeout=30).raise_for_status()
        form = {"username": name, "password": PASSWORD, "_xsrf": browser.cookies.get("_xsrf", "")}
        browser.post(f"{hub.url}/hub/login", data=form, timeout=30).raise_for_status()
        link = pull_link(hub.url, upstream, NOTEBOOKS[0], COURSE, branch)
        page = browser.get(link, timeout=120)
        page.raise_for_status()
        if "/git-pull" not in page.url:
            raise RuntimeError(f"the link ended at {page.url}, not nbgitpuller's page")
        api = page.url.replace("/git-pull?", "/git-pull/api?", 1)
        with browser.get(api, stream=True, timeout=120) as stream:
            for line in stream.iter_lines(decode_unicode=True):
                if line.startswith("data:"):
                    phase = json.loads(line[5:]).get("phase")
                    if phase == "error":
                        raise RuntimeError(f"nbgitpuller: {line[5:200]}")
                    if phase == "finished":
                        break
        step("pulled")
        base = f"{hub.url}/user/{name}"
        browser.get(f"{base}/lab/tree/{COURSE}/{NOTEBOOKS[0]}", timeout=60).raise_for_status()
        step("lab page")

        auth = {"Authorization": f"token {hub.token}"}
        home = hub.scratch / "homes" / name / COURSE
        for notebook in NOTEBOOKS:
            session = requests.post(
                f"{base}/api/sessions",
                headers=auth,
                timeout=120,
                json={"path": f"{COURSE}/{notebook}", "type": "notebook", "name": "", "kernel": {"name": "python3"}},
            )
            session.raise_for_status()
            kernel = session.json()["kernel"]["id"]
            ws_url = f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel}/channels"
            ws = websocket.create_connection(ws_url, header=[f"Authorization: token {hub.token}"], timeout=120)
            try:
                cells = [c for c in json.loads((home / notebook).read_text())["cells"] if c["cell_type"] == "code"]
                step(f"{notebook}: kernel ready")
                learner.errors[notebook], learner.expected_errors[notebook] = run_cells(ws, cells, deadline)
                step(f"{notebook}: {len(cells)} cells")
            finally:
                ws.close()
            kernel_pids = [p for p, u in list(sampler.owner.items()) if u == name and psutil.pid_exists(p)]
            for pid in kernel_pids:
                proc = psutil.Process(pid)
                if kernel in " ".join(proc.cmdline()):
                    learner.kernel_mib[notebook] = round(proc.memory_info().rss / MIB)
        learner.ok = not any(learner.errors.values())
        if not learner.ok:
            learner.failure = f"unexpected errors: {learner.errors}"
    except Exception as exc:  # a learner's failure is a result to report, not a reason to stop the room
        learner.failure = f"{type(exc).__name__}: {exc}"[:300]
    learner.seconds["total"] = round(time.monotonic() - started, 2)


def summary(learners: list[Learner], sampler: Sampler, cores: int) -> str:
    ok = [learner for learner in learners if learner.ok]
    lines = [f"{len(ok)} of {len(learners)} learners ran lesson 01 and its exercises ({cores} cores)."]
    for learner in learners:
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in learner.seconds.items())
        status = "ok" if learner.ok else f"FAILED ({learner.failure})"
        lines.append(f"  {learner.name}: {status}; {steps}; peak {learner.peak_mib:.0f} MiB; {learner.cpu_s:.1f} CPU-s")
    if ok:
        totals = [learner.seconds["total"] for learner in ok]
        peaks = [learner.peak_mib for learner in ok]
        lines.append(f"Start to last cell: median {statistics.median(totals):.1f} s, max {max(totals):.1f} s.")
        lines.append(
            f"Peak per learner: median {statistics.median(peaks):.0f} MiB, max {max(peaks):.0f} MiB; "
            f"all learners together {sum(peaks):.0f} MiB."
        )
        for notebook in NOTEBOOKS:
            kernels = [learner.kernel_mib[notebook] for learner in ok if notebook in learner.kernel_mib]
            if kernels:
                lines.append(f"Kernel of {notebook} after its last cell: median {statistics.median(kernels):.0f} MiB.")
        lines.append(f"CPU per learner: median {statistics.median(lr.cpu_s for lr in ok):.1f} CPU-s.")
    hub = ", ".join(f"{name} {mib:.0f} MiB" for name, mib in sampler.hub_peak.items())
    lines.append(f"Hub and proxy peaks: {hub}.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10, help=f"1 to {MAX_LEARNERS} (default 10)")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between arrivals (default: all at once)")
    parser.add_argument("--deadline", type=float, default=900, help="seconds before everything is stopped")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (homes, hub log)")
    args = parser.parse_args(argv)
    if not 1 <= args.learners <= MAX_LEARNERS:
        parser.error(f"--learners must be between 1 and {MAX_LEARNERS}")
    if shutil.which("configurable-http-proxy") is None:
        parser.error("configurable-http-proxy is not on PATH (npm install configurable-http-proxy)")

    scratch = Path(tempfile.mkdtemp(prefix="tensorbridge-hub-"))
    hub = Hub(scratch, uuid.uuid4().hex)
    deadline = time.monotonic() + args.deadline
    learners = [Learner(f"learner{n:02d}") for n in range(1, args.learners + 1)]
    sampler = Sampler({learner.name for learner in learners})
    try:
        upstream = scratch / "upstream" / COURSE
        subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), str(upstream)], check=True)
        branch = subprocess.run(
            ["git", "symbolic-ref", "--short", "HEAD"], cwd=upstream, check=True, capture_output=True, text=True
        ).stdout.strip()
        hub.start(timeout=120)
        hub.api("POST", "/users", json={"usernames": [lr.name for lr in learners]}).raise_for_status()
        sampler.start()
        threads = []
        for learner in learners:
            thread = threading.Thread(
                target=learner_run, args=(hub, learner, f"file://{upstream}", branch, sampler, deadline), daemon=True
            )
            thread.start()
            threads.append(thread)
            time.sleep(args.stagger)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        sampler.stop_event.set()
        for learner in learners:
            if not learner.seconds.get("total"):
                learner.failure = learner.failure or "still running at the deadline"
            learner.peak_mib = round(sampler.peak.get(learner.name, 0.0))
            learner.cpu_s = round(sampler.cpu_seconds(learner.name), 1)
        report = summary(learners, sampler, psutil.cpu_count())
        print(report)
        if args.json:
            figures = {"learners": [asdict(lr) for lr in learners], "hub_peak_mib": sampler.hub_peak}
            args.json.write_text(json.dumps(figures, indent=1))
        return 0 if all(learner.ok for learner in learners) else 1
    finally:
        sampler.stop_event.set()
        for learner in learners:
            try:
                hub.api("DELETE", f"/users/{learner.name}/server")
            except requests.RequestException:
                pass
        hub.stop()
        for pid, owner in list(sampler.owner.items()):  # anything of a learner's the hub left running
            if owner in sampler.names:
                try:
                    psutil.Process(pid).kill()
                except psutil.Error:
                    pass
        if args.keep:
            print(f"Kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
