"""The ``tumbuh`` command.

``tumbuh zscore ...`` (and the other batch commands) run the Django-free batch tools without
importing Django, so they start fast and work where no database is configured. Every other
command goes to Django's management commands: ``tumbuh migrate``, ``tumbuh demo``,
``tumbuh makemigrations --check``, ``tumbuh shell`` and so on.
"""

from __future__ import annotations

import importlib
import os
import secrets
import sys
from collections.abc import MutableMapping

# name -> (module with ``main(argv) -> int``, one-line description for ``tumbuh --help``)
BATCH_COMMANDS: dict[str, tuple[str, str]] = {
    "zscore": (
        "tumbuh.batch.zscore",
        "WHO z-scores, flags and Permenkes 2/2020 status for every row of a file",
    ),
    "prevalence": ("tumbuh.batch.prevalence", "WHO anthro prevalence table (all rows of a file)"),
}

HELP_ARGUMENTS = ([], ["help"], ["-h"], ["--help"])

DEMO_SECRET_KEY_FILE_NAME = "demo-secret-key"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    # Whether started as `tumbuh`, `python -m tumbuh` or from a test, help texts say `tumbuh`.
    argv[0] = "tumbuh"
    command = argv[1] if len(argv) > 1 else ""
    if command in BATCH_COMMANDS:
        module = importlib.import_module(BATCH_COMMANDS[command][0])
        return int(module.main(argv[2:]) or 0)

    if command == "demo":
        prepare_demo_environment(os.environ)
    if argv[1:] in HELP_ARGUMENTS:
        print(batch_help())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumbuh.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A bad or missing environment variable: say which, without a traceback.
        print(f"tumbuh: configuration error: {error}", file=sys.stderr)
        print("See docs/configuration.md for every setting.", file=sys.stderr)
        return 2
    return 0


def batch_help() -> str:
    lines = [
        "Batch commands (no database needed; `tumbuh COMMAND --help` for details):",
        "",
    ]
    lines += [f"    {name:<12} {text}" for name, (_, text) in BATCH_COMMANDS.items()]
    lines += ["", "Web application and database commands (Django):"]
    return "\n".join(lines)


def prepare_demo_environment(environ: MutableMapping[str, str]) -> None:
    """Give ``tumbuh demo`` a secret key when none is configured.

    The demo runs with TUMBUH_DEBUG off, like production, and the settings then require a
    secret key. Rather than asking a first-time user to make one, the demo keeps a random key
    in ``TUMBUH_DATA_DIR/demo-secret-key`` (created once, readable by the owner only) and
    points ``TUMBUH_SECRET_KEY_FILE`` at it. A configured key always wins.
    """
    if environ.get("TUMBUH_SECRET_KEY", "").strip():
        return
    if environ.get("TUMBUH_SECRET_KEY_FILE", "").strip():
        return
    from tumbuh.lib.env import data_dir

    key_file = data_dir(environ) / DEMO_SECRET_KEY_FILE_NAME
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
    environ["TUMBUH_SECRET_KEY_FILE"] = str(key_file)


if __name__ == "__main__":
    sys.exit(main())
