"""Keep the translation catalogues in step with the source, in pure Python.

Django's ``makemessages`` and ``compilemessages`` need GNU gettext, which a fresh machine may
not have; this module does the same with Babel (a development dependency):

* :func:`extract` collects every translatable string from the Python files and templates of
  the web application (``tumbuh/``, without the Django-free ``growth`` and ``batch``);
* :func:`update` merges them into ``tumbuh/locale/<lang>/LC_MESSAGES/django.po``, keeping
  existing translations, and compiles ``django.mo`` next to it;
* :func:`catalogue_problems` and :func:`compiled_catalogue_problems` say what is out of date,
  for ``tumbuh updatemessages --check`` and the test suite.

Source strings are English; each language in :data:`LANGUAGES` has a catalogue.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "django"
LANGUAGES = ("id",)

# Not part of the web application's catalogue: the Django-free numeric core and batch tools,
# tests, and folders that hold no source.
SKIPPED_DIRS = frozenset(
    {"growth", "batch", "tests", "migrations", "locale", "static", "__pycache__"}
)
TEMPLATE_SUFFIXES = frozenset({".html", ".txt"})

# Django's translation functions, in Babel's keyword notation.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ("Translators:",)
PO_LINE_WIDTH = 100
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def source_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """Python files and templates whose strings belong in the catalogue, sorted."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if not path.is_file() or SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        if path.suffix == ".py" or (
            path.suffix in TEMPLATE_SUFFIXES and "templates" in relative.parts
        ):
            found.append(path)
    return sorted(found)


def extract(root: Path = PACKAGE_DIR):
    """Return a Babel ``Catalog`` holding every translatable string under ``root``."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract as babel_extract
    from django.utils.translation.template import templatize

    template = Catalog(domain=DOMAIN, project="tumbuh", fuzzy=False)
    for path in source_files(root):
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            # Turns {% translate %} and {% blocktranslate %} into gettext() calls, as
            # makemessages does before handing templates to xgettext.
            text = templatize(text, origin=str(path))
        location = path.relative_to(root.parent).as_posix()
        for _lineno, message, comments, context in babel_extract(
            "python",
            io.BytesIO(text.encode("utf-8")),
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        ):
            template.add(
                message, locations=[(location, None)], auto_comments=comments, context=context
            )
    return template


def _read_po(path: Path, language: str):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def render_po(language: str, template, locale_dir: Path = LOCALE_DIR) -> bytes:
    """The .po file for ``language`` merged with ``template``, keeping known translations."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = po_path(language, locale_dir)
    if path.exists():
        catalog = _read_po(path, language)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="tumbuh", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=PO_LINE_WIDTH,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    return buffer.getvalue()


def render_mo(po_file: Path, language: str) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, _read_po(po_file, language), use_fuzzy=False)
    return buffer.getvalue()


def update(languages=LANGUAGES, root: Path = PACKAGE_DIR, locale_dir: Path = LOCALE_DIR):
    """Merge the source strings into each .po file and compile each .mo file.

    Returns the paths written.
    """
    template = extract(root)
    written = []
    for language in languages:
        po_file = po_path(language, locale_dir)
        po_file.parent.mkdir(parents=True, exist_ok=True)
        po_file.write_bytes(render_po(language, template, locale_dir))
        mo_file = mo_path(language, locale_dir)
        mo_file.write_bytes(render_mo(po_file, language))
        written += [po_file, mo_file]
    return written


@dataclass(frozen=True)
class Problem:
    language: str
    message: str

    def __str__(self) -> str:
        return f"[{self.language}] {self.message}"


def _key(message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return msgid, message.context


def _placeholders(text) -> set[str]:
    texts = text if isinstance(text, tuple | list) else (text,)
    return {name for part in texts if part for name in PLACEHOLDER.findall(part)}


def catalogue_problems(
    languages=LANGUAGES, root: Path = PACKAGE_DIR, locale_dir: Path = LOCALE_DIR
) -> list[Problem]:
    """What is missing, stale or untranslated in the .po files."""
    template = extract(root)
    wanted = {_key(message): message for message in template if message.id}
    problems = []
    for language in languages:
        path = po_path(language, locale_dir)
        if not path.exists():
            problems.append(Problem(language, f"{path} is missing"))
            continue
        catalog = _read_po(path, language)
        present = {_key(message): message for message in catalog if message.id}
        for key in sorted(wanted.keys() - present.keys(), key=str):
            problems.append(Problem(language, f"not in {path.name}: {key[0]!r}"))
        for key in sorted(present.keys() - wanted.keys(), key=str):
            problems.append(Problem(language, f"in {path.name} but not in the source: {key[0]!r}"))
        for key in sorted(present.keys() & wanted.keys(), key=str):
            message = present[key]
            strings = (
                message.string if isinstance(message.string, tuple | list) else (message.string,)
            )
            if message.fuzzy or not all(strings):
                problems.append(Problem(language, f"not translated: {key[0]!r}"))
            elif _placeholders(message.id) != _placeholders(message.string):
                problems.append(
                    Problem(language, f"placeholders differ from the source: {key[0]!r}")
                )
    return problems


def compiled_catalogue_problems(
    languages=LANGUAGES, locale_dir: Path = LOCALE_DIR
) -> list[Problem]:
    """Whether each committed .mo file holds exactly the translations of its .po file.

    Compares content (what Django will look up), not bytes, so that a different Babel version
    writing a different header does not count as stale.
    """
    problems = []
    for language in languages:
        po_file, mo_file = po_path(language, locale_dir), mo_path(language, locale_dir)
        if not mo_file.exists():
            problems.append(Problem(language, f"{mo_file} is missing"))
            continue
        with mo_file.open("rb") as handle:
            committed = _mo_messages(handle)
        expected = _mo_messages(io.BytesIO(render_mo(po_file, language)))
        if committed != expected:
            changed = sorted(
                str(key)
                for key in committed.keys() | expected.keys()
                if committed.get(key) != expected.get(key)
            )
            problems.append(
                Problem(
                    language,
                    f"{mo_file.name} is stale ({len(changed)} messages differ, e.g. "
                    f"{changed[0]}); run `python3 dev.py messages`",
                )
            )
    return problems


def _mo_messages(handle) -> dict:
    catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header: tool versions and dates
    return catalog
