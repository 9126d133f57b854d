"""The Kemendagri code list shipped in ``data/wilayah.csv``, read once per process.

The file has 91,599 rows (every province, kabupaten/kota, kecamatan and desa/kelurahan of
Indonesia; see ``data/SOURCES.md``). :func:`read_code_list` parses and checks it once and keeps
the result for as long as the file is unchanged (same size and modification time), so loading
one city after another, or running the test suite, parses it a single time.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from tumbuh.areas import codes

DATA_DIR = Path(__file__).resolve().parent / "data"
CODE_LIST_PATH = DATA_DIR / "wilayah.csv"
HEADER = ["code", "name", "level", "parent_code"]

#: Name prefixes of kabupaten/kota, ignored when a name is searched for ("Balikpapan").
_NAME_PREFIXES = re.compile(r"^(kota administrasi|kabupaten administrasi|kota|kabupaten)\s+")


class CodeListError(ValueError):
    """The code list file is missing or malformed (the message names the file and line)."""


@dataclass(frozen=True, slots=True)
class CodeListEntry:
    code: str
    name: str
    level: int
    parent_code: str | None


class CodeList:
    """All entries of one code list file, sorted by code, with look-ups by code and prefix."""

    def __init__(self, entries: list[CodeListEntry], path: Path):
        self.path = path
        self._entries = sorted(entries, key=lambda entry: entry.code)
        self._codes = [entry.code for entry in self._entries]
        self._by_code = {entry.code: entry for entry in self._entries}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[CodeListEntry]:
        return iter(self._entries)

    def get(self, code: str) -> CodeListEntry | None:
        return self._by_code.get(code)

    def subtree(self, code: str) -> list[CodeListEntry]:
        """The entry ``code`` and every entry under it, sorted by code (empty if unknown).

        Codes are fixed width and "." sorts before every digit, so an area's descendants
        follow it directly in code order.
        """
        start = bisect.bisect_left(self._codes, code)
        found = []
        for entry in self._entries[start:]:
            if not codes.is_within(entry.code, code):
                break
            found.append(entry)
        return found

    def children(self, code: str) -> list[CodeListEntry]:
        return [entry for entry in self.subtree(code) if entry.parent_code == code]

    def ancestors(self, code: str) -> list[CodeListEntry]:
        """Entries above ``code``, province first."""
        return [self._by_code[c] for c in codes.ancestors_of(code) if c in self._by_code]

    def suggestions(self, text: str, *, limit: int = 5) -> list[CodeListEntry]:
        """Entries that the user may have meant by ``text``, an unknown code or a name.

        For something code-like: the dotted form of an undotted code (``6471`` -> ``64.71``)
        and the nearest codes under the deepest prefix that exists (``64.71.09`` -> the
        kecamatan of 64.71). For a name: areas whose name contains it, provinces and
        kabupaten/kota first, then close spellings.
        """
        query = text.strip()
        if not query:
            return []
        if any(ch.isalpha() for ch in query):
            found = self._suggest_by_name(query, limit)
        else:
            found = self._suggest_by_code(query, limit)
        unique: dict[str, CodeListEntry] = {}
        for entry in found:
            unique.setdefault(entry.code, entry)
        return list(unique.values())[:limit]

    def _suggest_by_code(self, query: str, limit: int) -> list[CodeListEntry]:
        found = []
        digits = re.sub(r"\D", "", query)
        if len(digits) in (2, 4, 6, 10):
            widths = ((0, 2), (2, 4), (4, 6), (6, 10))
            dotted = ".".join(digits[a:b] for a, b in widths if digits[a:b])
            if dotted in self._by_code:
                found.append(self._by_code[dotted])
        parts = [part for part in re.split(r"\D+", query) if part]
        for n in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:n])
            if prefix in self._by_code:
                siblings = {entry.code: entry for entry in self.children(prefix)}
                wanted = ".".join(parts)
                close = difflib.get_close_matches(wanted, list(siblings), n=limit, cutoff=0)
                found.extend(siblings[code] for code in close)
                break
        return found

    def _suggest_by_name(self, query: str, limit: int) -> list[CodeListEntry]:
        key = _NAME_PREFIXES.sub("", " ".join(query.casefold().split()))
        contains = [
            entry for entry in self._entries if key in _NAME_PREFIXES.sub("", entry.name.casefold())
        ]
        if contains:
            contains.sort(key=lambda entry: (entry.level, entry.code))
            return contains[:limit]
        # Close spellings among provinces, kabupaten/kota and kecamatan (a few thousand names).
        by_name: dict[str, CodeListEntry] = {}
        for entry in self._entries:
            if entry.level <= 3:
                by_name.setdefault(_NAME_PREFIXES.sub("", entry.name.casefold()), entry)
        close = difflib.get_close_matches(key, list(by_name), n=limit, cutoff=0.75)
        return [by_name[name] for name in close]


def read_code_list(path: Path | str = CODE_LIST_PATH) -> CodeList:
    """The code list in ``path``, parsed once and reused while the file is unchanged.

    Raises :class:`CodeListError` when the file is missing or a row is malformed.
    """
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError as error:
        raise CodeListError(
            _("Cannot read the area code list %(path)s: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from None
    return _parse_code_list(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _parse_code_list(path: Path, mtime_ns: int, size_bytes: int) -> CodeList:
    # mtime_ns and size_bytes are only part of the cache key: a changed file is read again.
    entries = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != HEADER:
            raise CodeListError(
                _("%(path)s: the first line must be %(expected)s; got %(header)s")
                % {
                    "path": path,
                    "expected": ",".join(HEADER),
                    "header": ",".join(header) if header else "-",
                }
            )
        for row in reader:
            entries.append(_entry(row, path, reader.line_num))
    by_code = {}
    for entry in entries:
        if entry.code in by_code:
            raise CodeListError(
                _("%(path)s: the code %(code)s appears twice") % {"path": path, "code": entry.code}
            )
        by_code[entry.code] = entry
    for entry in entries:
        if entry.parent_code is not None and entry.parent_code not in by_code:
            raise CodeListError(
                _("%(path)s: the parent %(parent)s of %(code)s is not in the list")
                % {"path": path, "parent": entry.parent_code, "code": entry.code}
            )
    return CodeList(entries, path)


def _entry(row: list[str], path: Path, line: int) -> CodeListEntry:
    def fail(problem: str) -> CodeListError:
        return CodeListError(
            _("%(path)s, line %(line)d: %(problem)s")
            % {"path": path, "line": line, "problem": problem}
        )

    if len(row) != len(HEADER):
        raise fail(_("expected 4 columns; got %(count)d") % {"count": len(row)})
    code, name, level_text, parent_code = row
    if not codes.is_code(code):
        raise fail(_('"%(code)s" is not a Kemendagri area code') % {"code": code})
    level = codes.level_of(code)
    if level_text != str(level):
        raise fail(
            _('the level of %(code)s must be %(level)d; got "%(given)s"')
            % {"code": code, "level": level, "given": level_text}
        )
    if (parent_code or None) != codes.parent_of(code):
        raise fail(
            _('the parent of %(code)s must be "%(parent)s"; got "%(given)s"')
            % {"code": code, "parent": codes.parent_of(code) or "", "given": parent_code}
        )
    if level == 4 and code[-4] not in codes.VILLAGE_KINDS:
        raise fail(_("the village number of %(code)s must start with 1, 2 or 3") % {"code": code})
    if not name.strip() or name != name.strip():
        raise fail(_("the name of %(code)s is empty or has spaces around it") % {"code": code})
    return CodeListEntry(code=code, name=name, level=level, parent_code=parent_code or None)
