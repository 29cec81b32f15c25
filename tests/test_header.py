"""The header atop every lesson and exercise: well-formed Colab/Binder links, and an install cell for Colab."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tensorbridge import header

ROOT = Path(__file__).resolve().parent.parent
SITE = header.site()
PATHS = header.notebook_paths()
LINK = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")


def check_link(url: str, path: str) -> None:
    """A Colab or Binder address that opens ``path`` of the configured repository and branch."""
    parts = urlsplit(url)
    assert parts.scheme == "https" and not parts.fragment, url
    if parts.netloc == "colab.research.google.com":
        assert parts.path == f"/github/{SITE.repository}/blob/{SITE.branch}/{path}" and not parts.query, url
    else:
        assert parts.netloc == "mybinder.org", url
        assert parts.path == f"/v2/gh/{SITE.repository}/{SITE.branch}", url
        assert parse_qs(parts.query) == {"labpath": [path]}, url
    assert (ROOT / path).is_file(), f"{url} opens a notebook that does not exist"


def test_the_repository_setting_is_an_owner_and_a_name() -> None:
    assert re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}", SITE.repository)
    assert re.fullmatch(r"[A-Za-z0-9._/-]+", SITE.branch) and ".." not in SITE.branch


def test_every_lesson_and_exercise_is_listed() -> None:
    lessons = {Path(p).name for p in PATHS if p.startswith("notebooks/")}
    assert lessons and lessons == {Path(p).name for p in PATHS if p.startswith("exercises/")}


@pytest.mark.parametrize("path", PATHS)
def test_notebook_opens_with_the_current_header(path: str) -> None:
    nb = nbformat.read(ROOT / path, as_version=4)
    assert not header.apply(copy.deepcopy(nb), path, SITE), "stale header: run python -m tensorbridge.build links"
    links = LINK.findall(nb.cells[0].source)
    assert [text for text, _ in links] == ["Open in Colab", "Launch on Binder"]
    for _, url in links:
        check_link(url, path)
    install = nb.cells[1]
    assert install.cell_type == "code" and not install.outputs, "the install cell is silent where the package is"


def test_lesson_04_asks_colab_for_a_gpu() -> None:
    nb = nbformat.read(ROOT / "notebooks/04_gpu.ipynb", as_version=4)
    assert nb.metadata["accelerator"] == "GPU" and nb.metadata["colab"]["gpuType"]
    assert "accelerator" not in nbformat.read(ROOT / "notebooks/01_numpy_to_tensor.ipynb", as_version=4).metadata


def test_readme_lists_every_link() -> None:
    readme = (ROOT / "README.md").read_text()
    assert header.readme_block(PATHS, SITE) in readme, "stale README links: run python -m tensorbridge.build links"
    block = readme[readme.index(header.README_START) : readme.index(header.README_END)]
    urls = [url for _, url in LINK.findall(block)]
    assert len(urls) == 2 * len(PATHS)
    for url in urls:
        check_link(url, re.search(r"(notebooks|exercises)/[\w.]+\.ipynb", url).group(0))


def test_applying_twice_changes_nothing_and_replaces_an_old_header() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson")])
    old = header.Site("someone/else", "dev")
    assert header.apply(nb, "notebooks/00_start_here.ipynb", old)
    assert header.apply(nb, "notebooks/00_start_here.ipynb", SITE)
    assert not header.apply(nb, "notebooks/00_start_here.ipynb", SITE)
    assert len(nb.cells) == 3 and nb.cells[2].source == "# A lesson"
    assert "someone/else" not in nb.cells[0].source + nb.cells[1].source


def _run_install_cell(missing: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Run the install cell as IPython would, recording the magics it calls instead of running pip."""
    import importlib.util

    calls: list[tuple[str, str]] = []

    class Shell:
        def run_line_magic(self, name: str, line: str) -> None:
            calls.append((name, line))

    if missing:
        monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    code = TransformerManager().transform_cell(header.install_source(SITE))
    exec(code, {"get_ipython": Shell})
    return calls


def test_install_cell_installs_only_where_the_package_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_install_cell(missing=False, monkeypatch=monkeypatch) == []
    [(magic, line)] = _run_install_cell(missing=True, monkeypatch=monkeypatch)
    assert magic == "pip" and "--no-deps" in line
    assert f'"tensorbridge @ git+https://github.com/{SITE.repository}@{SITE.branch}"' in line
