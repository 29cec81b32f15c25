"""The nbgitpuller link that gives each learner their own copy of the course, opened at a lesson.

    python3 hub/pull_link.py https://hub.example.org https://github.com/OWNER/tensor-bridge
    python3 hub/pull_link.py HUB REPO notebooks/01_numpy_to_tensor.ipynb --branch main

The first click clones the repository into the learner's home (in a folder named after the last part of the
repository's URL); a later click merges the course's new commits into that copy.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlencode

LESSON00 = "notebooks/00_start_here.ipynb"


def folder_for(repo: str) -> str:
    """The folder nbgitpuller clones into, as nbgitpuller names it (".git" stays part of the name)."""
    return repo.rstrip("/").split("/")[-1]


def pull_link(hub: str, repo: str, notebook: str = LESSON00, folder: str | None = None, branch: str = "main") -> str:
    """``hub``'s link that clones or updates ``repo`` for the learner, then opens ``notebook`` in JupyterLab."""
    if not hub.startswith(("http://", "https://")):
        raise ValueError(f"the hub's address must start with http:// or https://, not {hub!r}")
    query = {"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder or folder_for(repo)}/{notebook}"}
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{urlencode(query)}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("repo", help="the URL of your copy of the course")
    parser.add_argument("notebook", nargs="?", default=LESSON00)
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    try:
        print(pull_link(args.hub, args.repo, args.notebook, branch=args.branch))
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
