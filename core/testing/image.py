"""The container image without a container engine: its Containerfile read, its process rehearsed.

No engine runs here, so the tests read deploy/Containerfile (stages, ENV, USER, ENTRYPOINT)
and run the image's entrypoint from the checkout the way the image would: with the final
stage's environment, as its numeric user, on a root file system made read-only in a private
mount namespace (unshare), where only the data folder and /tmp stay writable.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from testing.workers import REPO

CONTAINERFILE = REPO / "deploy" / "Containerfile"


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self) -> dict[str, str]:
        """ENV of this stage (KEY=VALUE form), in order; later values win."""
        values: dict[str, str] = {}
        for args in self.all("ENV"):
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                values[key] = value
        return values


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction: continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, args = whole.partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


def stages(text: str = "") -> list[Stage]:
    text = text or CONTAINERFILE.read_text()
    build_args: dict[str, str] = {}
    found: list[Stage] = []
    for keyword, args in instructions(text):
        if keyword == "ARG" and not found:
            name, _, default = args.partition("=")
            build_args[name] = default
        elif keyword == "FROM":
            base, _, name = re.sub(r"^--platform=\S+\s+", "", args).partition(" AS ")
            base = re.sub(r"\$\{(\w+)\}", lambda m: build_args.get(m.group(1), m.group(0)), base.strip())
            found.append(Stage(name.strip() or str(len(found)), base))
        elif found:
            found[-1].instructions.append((keyword, args))
    return found


def exec_form(args: str) -> list[str]:
    """ENTRYPOINT/CMD in JSON (exec) form; the shell form is refused (no signals reach the app)."""
    value = json.loads(args)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"not an exec-form list: {args}")
    return value


@functools.cache
def _reach_interpreter(uid: int) -> str:
    """setpriv options that let `uid` run this checkout's Python.

    The image has its interpreter in /usr/local; this machine's may sit under /root (0700,
    pyenv), which the image's user cannot enter. Then it gets CAP_DAC_READ_SEARCH alone: it may
    read and search anything, but still writes only where its uid may, so the test of writes
    stays honest.
    """
    # Found through PATH, as the ENTRYPOINT's `python` is, and asked whether it is the venv's
    # interpreter with its libraries (a python that cannot read its home falls back to /usr).
    drop = ["setpriv", "--reuid", str(uid), "--regid", str(uid), "--clear-groups", "--"]
    probe = [*drop, "python", "-c", "import sys, django; sys.exit(sys.prefix == sys.base_prefix)"]
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    if subprocess.run(probe, env={"PATH": path}, capture_output=True, check=False).returncode == 0:
        return "--inh-caps=-all "
    return "--inh-caps=-all,+dac_read_search --ambient-caps=+dac_read_search "


def read_only_root(
    argv: list[str], *, writable: list[Path], uid: int | None, read_only: tuple[Path, ...] = ()
) -> list[str]:
    """`argv` wrapped to run with / read-only except `writable` (bind-mounted onto themselves).

    `read_only` folders inside a writable one (the image's own files placed under /tmp here)
    are made read-only again.

    As root the command also drops to `uid` (the image's USER). A non-root user gets a user
    namespace for the mounts and stays who it is, which is already not root.
    """
    for tool in ("unshare", "setpriv"):
        if not shutil.which(tool):
            raise RuntimeError(f"{tool} (util-linux) is needed to rehearse the image's read-only root")
    steps = [f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))}" for p in (*writable, *read_only)]
    steps += [f"mount -o remount,bind,ro {shlex.quote(str(p))}" for p in read_only]
    steps.append("mount -o remount,bind,ro /")
    drop = ""
    if os.geteuid() == 0 and uid is not None:
        drop = f"setpriv --reuid {uid} --regid {uid} --clear-groups {_reach_interpreter(uid)}-- "
    script = " && ".join(steps) + f" && exec {drop}{shlex.join(argv)}"
    namespace = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace[1:1] = ["--user", "--map-root-user"]
    return [*namespace, "sh", "-c", script]
