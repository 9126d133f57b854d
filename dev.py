#!/usr/bin/env python3
"""Developer entry point for tumbuh. Standard library only.

A fresh machine needs nothing but Python 3.11 or newer:

    python3 dev.py demo        set up, then run the demo on http://127.0.0.1:8000
    python3 dev.py test        set up, then run the whole test suite
    python3 dev.py lint        set up, then run ruff
    python3 dev.py messages    set up, then update and compile the translation catalogues
    python3 dev.py manage ...  set up, then run any `tumbuh` command (migrate, zscore, ...)
    python3 dev.py setup       only set up

`manage` and `messages` run with TUMBUH_DEBUG=true unless it is set; `demo` and `test` use
the environment as it is (the demo runs with debug mode off, like production).

"Set up" means: create the virtual environment .venv if it is missing or broken, and
`pip install -e '.[dev,fast]'` into it whenever pyproject.toml has changed since the last
install (a hash of it is kept in .venv/tumbuh-install.sha256); `fast` (numba) is left out
where it has no wheel. Extra arguments after the
command are passed through, and the exit code of the command is returned.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
STAMP = VENV / "tumbuh-install.sha256"
# Bump when the way the environment is installed changes, to force one re-install.
SETUP_VERSION = "1"


def venv_bin(name: str) -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def run(args: list[str | os.PathLike[str]]) -> int:
    """Run a command in the repository root and return its exit code."""
    try:
        return subprocess.call([str(a) for a in args], cwd=ROOT)
    except KeyboardInterrupt:
        # The child got the same Ctrl-C; report the conventional code.
        return 130


def hand_over(args: list[str | os.PathLike[str]]) -> int:
    """Become the command (POSIX), so that signals and the exit code are its own."""
    if os.name != "posix":
        return run(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(ROOT)
    command = [str(a) for a in args]
    os.execv(command[0], command)


def install_stamp() -> str:
    digest = hashlib.sha256()
    digest.update(SETUP_VERSION.encode())
    digest.update(PYPROJECT.read_bytes())
    return digest.hexdigest()


def venv_works() -> bool:
    python = venv_bin("python")
    if not python.exists():
        return False
    try:
        probe = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version_info >= (3, 11))"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and probe.stdout.strip() == "True"


def create_venv() -> None:
    if VENV.exists():
        say(f"{VENV} does not work with this Python; re-creating it")
        # Recreate in place: the venv module clears it for us.
        command = [sys.executable, "-m", "venv", "--clear", str(VENV)]
    else:
        say(f"creating the virtual environment {VENV}")
        command = [sys.executable, "-m", "venv", str(VENV)]
    if run(command) != 0:
        raise SystemExit(
            "dev.py: could not create the virtual environment. On Debian or Ubuntu, install "
            "the venv module first: apt-get install python3-venv"
        )


def ensure_environment() -> None:
    """Create .venv and install the project into it when needed."""
    if sys.version_info < MIN_PYTHON:
        raise SystemExit(
            f"dev.py: tumbuh needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; "
            f"this is {sys.version.split()[0]} ({sys.executable})"
        )
    if not venv_works():
        create_venv()
        if STAMP.exists():
            STAMP.unlink()
    wanted = install_stamp()
    current = STAMP.read_text().strip() if STAMP.exists() else ""
    if current == wanted and venv_bin("tumbuh").exists():
        return
    say("installing tumbuh and its development dependencies into .venv (pyproject.toml changed)")
    python = venv_bin("python")
    if run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"]) != 0:
        raise SystemExit("dev.py: upgrading pip in .venv failed (see the messages above)")
    # The extra "fast" (numba, the compiled growth engine) is optional: where it has no wheel,
    # install without it, and tumbuh.growth uses its NumPy engine (the tests of the compiled
    # engine are then skipped).
    with_fast = [python, "-m", "pip", "install", "--quiet", "--only-binary", "numba,llvmlite"]
    if run([*with_fast, "-e", ".[dev,fast]"]) != 0:
        say("installing the optional compiled growth engine (numba) failed; going on without it")
        if run([python, "-m", "pip", "install", "--quiet", "-e", ".[dev]"]) != 0:
            raise SystemExit("dev.py: `pip install -e '.[dev]'` failed (see the messages above)")
    STAMP.write_text(wanted + "\n")


def cmd_setup(args: list[str]) -> int:
    return 0


def cmd_demo(args: list[str]) -> int:
    return hand_over([venv_bin("tumbuh"), "demo", *args])


def cmd_test(args: list[str]) -> int:
    return hand_over([venv_bin("python"), "-m", "pytest", *args])


def cmd_lint(args: list[str]) -> int:
    return hand_over([venv_bin("ruff"), "check", ".", *args])


def development_settings() -> None:
    """`manage` and `messages` are for development: debug mode unless set otherwise.

    (Debug mode lets the settings fall back to a development secret key.)
    """
    os.environ.setdefault("TUMBUH_DEBUG", "true")


def cmd_messages(args: list[str]) -> int:
    development_settings()
    return hand_over([venv_bin("tumbuh"), "updatemessages", *args])


def cmd_manage(args: list[str]) -> int:
    development_settings()
    return hand_over([venv_bin("tumbuh"), *args])


COMMANDS = {
    "demo": (cmd_demo, "set up, then run the demo (tumbuh demo); try --help"),
    "test": (cmd_test, "set up, then run the whole test suite (python -m pytest)"),
    "lint": (cmd_lint, "set up, then run ruff check ."),
    "messages": (cmd_messages, "set up, then update and compile the translation catalogues"),
    "manage": (cmd_manage, "set up, then run `tumbuh ARGS...` in debug mode (migrate, shell, ...)"),
    "setup": (cmd_setup, "only create .venv and install the project"),
}


def usage() -> str:
    lines = ["usage: python3 dev.py COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<9} {text}" for name, (_, text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0 if argv else 2
    name, args = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"dev.py: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    ensure_environment()
    handler, _ = COMMANDS[name]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
