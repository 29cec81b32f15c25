"""The course in a real browser: JupyterLab + headless Chromium, every lesson with an explorer run and operated.

Needs Debian's `chromium` (at /usr/bin/chromium, or $CHROMIUM) and Playwright from PyPI; `.ci/run` installs
both. Without a browser this test fails and says so: a browser test that cannot run has not passed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil  # a dependency of ipykernel
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if "widget-view+json" in p.read_text())
# Chromium as root in a container needs --no-sandbox; the rest keeps it off the (closed) network.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def own_settings(root: Path) -> dict[str, str]:
    """JupyterLab's user settings and workspaces for this run only: starting the slideshow is a saved setting."""
    return {
        "JUPYTERLAB_SETTINGS_DIR": str(root / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """JupyterLab on 127.0.0.1 with a token, serving a temporary copy of the notebooks."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    port, token = free_port(), os.urandom(16).hex()
    env = {**os.environ, "JUPYTER_PREFER_ENV_PATH": "1", **own_settings(root)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--allow-root",
            "--LabApp.news_url=None",
            f"--LabApp.app_settings_dir={ROOT / 'jupyterlab-settings'}",
            "--ServerApp.log_level=WARN",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
        assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", root, token
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set $CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in tests/requirements.txt")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


def wait_idle(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]"
        ".some(e => e.dataset.status === 'idle' && e.offsetParent !== null)",
        timeout=90_000,
    )


def explorer_count(path: Path) -> int:
    """How many widgets the stored notebook displays: each must render in the browser too."""
    cells = json.loads(path.read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    return sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def result_text(box, previous: str | None = None, timeout_s: float = 0.8) -> str:
    """The explorer's answer, once it is shown (and, given the previous answer, once it changes or time is up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        text = box.locator(".widget-html-content").last.inner_text()
        if (text.strip() and text != previous) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def operate(page, box) -> dict[str, set[str]]:
    """Change every control of one explorer, option by option; the results seen after each control's changes."""
    seen: dict[str, set[str]] = {}
    for i in range(box.locator(".widget-toggle-buttons").count()):
        group = box.locator(".widget-toggle-buttons").nth(i)
        texts = set()
        for j in range(group.locator("button").count()):
            before = result_text(box)
            group.locator("button").nth(j).click()
            texts.add(result_text(box, before))
        seen[f"toggle {i}"] = texts
    for i in range(box.locator("select").count()):
        select = box.locator("select").nth(i)
        texts = set()
        for value in select.locator("option").evaluate_all("os => os.map(o => o.value)")[:4]:
            before = result_text(box)
            select.select_option(value)
            texts.add(result_text(box, before))
        seen[f"select {i}"] = texts
    for i in range(box.locator("input[type=checkbox]").count()):
        checkbox = box.locator("input[type=checkbox]").nth(i)
        before = result_text(box)
        checkbox.click()
        after = result_text(box, before)
        checkbox.click()
        result_text(box, after)  # back as it was, for the next control
        texts = {before, after}
        seen[f"checkbox {i}"] = texts
    for i in range(box.locator(".noUi-handle").count()):
        handle = box.locator(".noUi-handle").nth(i)
        before = result_text(box)
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        texts = {before, result_text(box, before)}
        seen[f"slider {i}"] = texts
    return seen


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_and_its_explorers_answer(lab, browser, lesson: str) -> None:
    url, root, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{url}/lab/workspaces/{Path(lesson).stem}/tree/notebooks/{lesson}?token={token}&reset")
    # A freshly opened notebook has a fresh kernel: once it is ready, Run All is Restart & Run All.
    page.wait_for_function("() => document.querySelector('.jp-StatusBar-Widget') !== null", timeout=60_000)
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    expected = explorer_count(ROOT / "notebooks" / lesson)
    try:
        page.wait_for_function(
            f"() => document.querySelectorAll('.jp-OutputArea-output .widget-vbox').length >= {expected}",
            timeout=120_000,
        )
    except Exception:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(lesson).stem}-failed.png"), full_page=True)
        pytest.fail(f"{lesson}: {expected} explorer(s) expected, not all rendered (are widgets working?)")
    wait_idle(page)
    boxes = page.locator(".jp-OutputArea-output .widget-vbox")

    for n in range(boxes.count()):
        box = boxes.nth(n)
        box.scroll_into_view_if_needed()
        first = result_text(box, timeout_s=10)
        assert first.strip() and "could not show" not in first
        for control, texts in operate(page, box).items():
            assert all(t.strip() and "could not show" not in t for t in texts), f"{lesson} {control}: {texts}"
            assert len(texts) > 1, f"{lesson} explorer {n}: the result did not change when {control} changed"
        SCREENSHOTS.mkdir(exist_ok=True)
        box.screenshot(path=str(SCREENSHOTS / f"{Path(lesson).stem}-explorer{n}.png"))

    page.keyboard.press("Control+s")
    page.wait_for_timeout(1500)
    saved = json.loads((root / "notebooks" / lesson).read_text())
    for i, cell in enumerate(saved["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell["execution_count"] is not None, f"{lesson} cell {i} did not run"
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        tags = cell["metadata"].get("tags", [])
        if errors and "raises-exception" not in tags:
            pytest.fail(f"{lesson} cell {i} raised in the browser: {errors[0]['ename']}: {errors[0]['evalue']}")
    page.close()


def run_all(page, lesson: str) -> None:
    """Run a freshly opened lesson's cells and wait until its explorers are shown and the kernel is idle."""
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    expected = explorer_count(ROOT / "notebooks" / lesson)
    page.wait_for_function(
        f"() => document.querySelectorAll('.jp-OutputArea-output .widget-vbox').length >= {expected}",
        timeout=120_000,
    )
    wait_idle(page)


ON_SCREEN = ".jp-Cell.jp-deck-mod-onscreen"
SLIDE_FACTS = f"""() => {{
    const cells = [...document.querySelectorAll('{ON_SCREEN}')];
    const size = selector => {{
        const node = cells.map(c => c.querySelector(selector)).find(n => n);
        return node ? parseFloat(getComputedStyle(node).fontSize) : null;
    }};
    return {{
        body: size('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li'),
        code: size('.cm-line'),
        overflowing: cells.flatMap(c => [...c.querySelectorAll('.cm-scroller')])
            .filter(s => s.scrollWidth > s.clientWidth + 1).length,
        notes: cells.filter(c => c.querySelector('details')).length,
        widest: Math.max(0, ...cells.map(c => c.getBoundingClientRect().width)),
    }};
}}"""


def test_slideshow_presents_a_live_explorer(lab, browser) -> None:
    """Lesson 01 as slides at 1366x768: readable text, code that fits, no notes, and an explorer that answers."""
    url, _root, token = lab
    lesson = "01_numpy_to_tensor.ipynb"
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{url}/lab/workspaces/slides/tree/notebooks/{lesson}?token={token}&reset")
    run_all(page, lesson)
    page.locator(".jp-Cell").first.click()  # the slideshow starts at the selected cell
    page.keyboard.press("Escape")
    page.locator("[data-command='deck:toggle']").first.click()
    page.wait_for_selector("body[data-jp-deck-mode='presenting']", state="attached", timeout=20_000)
    page.wait_for_selector(ON_SCREEN, timeout=20_000)
    sizes = []
    for _ in range(120):
        facts = page.evaluate(SLIDE_FACTS)
        assert facts["notes"] == 0, "a speaker note is on a slide"
        assert facts["overflowing"] == 0, f"a code cell is wider than the slide: {facts}"
        sizes.append(facts)
        if page.locator(f"{ON_SCREEN} .widget-vbox").count():
            break
        page.keyboard.press("Space")
        page.wait_for_timeout(100)
    else:
        pytest.fail("no slide showed the explorer")
    body = [f["body"] for f in sizes if f["body"]]
    assert body and min(body) >= 20, f"body text {min(body)} px: too small for a room"
    assert max(f["widest"] for f in sizes) > 0.8 * 1366, "the slides do not use the screen's width"

    box = page.locator(f"{ON_SCREEN} .widget-vbox").first
    before = result_text(box, timeout_s=10)
    box.locator(".widget-toggle-buttons button[data-value='torch.Tensor']").click()
    after = result_text(box, before, timeout_s=10)
    assert after != before and "copied and cast" in after, after
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "slideshow-01-explorer.png"))
    page.locator("[data-command='deck:toggle']").first.click(force=True)  # back to the notebook
    page.close()


def test_printed_link_opens_lesson_00_and_stopping_leaves_no_server(browser, tmp_path: Path) -> None:
    """What course.py open prints is the link a learner copies: it must open lesson 00, with no pop-up."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    extra = ["--no-browser", f"--ServerApp.port={free_port()}"]
    supervisor = (
        "import sys, course; course.PYTHON = sys.executable; "
        f"sys.exit(course.supervise(course.lab_command({extra!r}, course.Path({str(tmp_path)!r}))))"
    )
    launcher = subprocess.Popen(
        [sys.executable, "-c", supervisor],
        cwd=ROOT,
        env={**os.environ, **own_settings(tmp_path)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        link = None
        while link is None:
            line = launcher.stderr.readline()
            assert line, "JupyterLab exited before printing its link"
            if "/lab/" in line and "token=" in line:
                link = line.split()[-1]
        assert "/lab/tree/notebooks/00_start_here.ipynb?token=" in link
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(link)
        page.get_by_text("| Idle").first.wait_for(timeout=90_000)
        current = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel").all_inner_texts()
        assert "00_start_here.ipynb" in current and page.locator(".jp-Launcher").count() == 0
        listing = page.locator(".jp-DirListing-content")
        listing.get_by_text("01_numpy_to_tensor.ipynb", exact=True).dblclick()  # the lesson, beside lesson 00
        page.locator(".jp-RenderedMarkdown h1", has_text="Convert NumPy arrays").first.wait_for(timeout=60_000)
        page.locator(".jp-BreadCrumbs-home").click()
        listing.get_by_text("exercises", exact=True).dblclick()
        listing.get_by_text("01_numpy_to_tensor.ipynb", exact=True).dblclick()  # and its exercises
        page.locator(".jp-RenderedMarkdown h1", has_text="Exercises 01").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        assert page.get_by_text("official Jupyter news").count() == 0, "the news pop-up is shown"
        labels = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").evaluate_all(
            "tabs => tabs.map(t => getComputedStyle(t.querySelector('.lm-TabBar-tabLabel'), '::before').content"
            " + t.innerText)"
        )
        ones = [label for label in labels if "01_numpy_to_tensor" in label]
        assert len(ones) == 2 and len(set(ones)) == 2, f"a lesson's and its exercises' tabs look alike: {labels}"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "printed-link-tabs.png"))
        page.close()
        server = psutil.Process(launcher.pid).children(recursive=True)
        assert server, "no JupyterLab under course.py"
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=30) == 0
        _gone, alive = psutil.wait_procs(server, timeout=15)
        assert not alive, f"still running after course.py stopped: {[p.cmdline()[:3] for p in alive]}"
    finally:
        if launcher.poll() is None:
            launcher.kill()
