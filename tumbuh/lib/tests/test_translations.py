"""The translation catalogues are complete, and the committed .mo files are not stale.

When one of the first two tests fails, run `python3 dev.py messages`, translate what it lists
in tumbuh/locale/<lang>/LC_MESSAGES/django.po, and run it again to compile the .mo file.
"""

import shutil

import pytest

from tumbuh.lib import translations


def test_every_source_string_is_in_the_catalogue_and_translated():
    assert [str(p) for p in translations.catalogue_problems()] == []


def test_the_committed_mo_files_match_their_po_files():
    assert [str(p) for p in translations.compiled_catalogue_problems()] == []


@pytest.fixture
def locale_copy(tmp_path):
    target = tmp_path / "locale"
    shutil.copytree(translations.LOCALE_DIR, target)
    return target


def _replace_in_po(locale_dir, old, new):
    path = translations.po_path("id", locale_dir)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_detects_a_stale_mo_file(locale_copy):
    _replace_in_po(locale_copy, 'msgstr "Hitung"', 'msgstr "Hitung sekarang"')
    problems = translations.compiled_catalogue_problems(locale_dir=locale_copy)
    assert len(problems) == 1
    assert "django.mo is stale" in str(problems[0])


def test_it_detects_a_new_untranslated_and_a_removed_string(tmp_path):
    source = tmp_path / "pkg"
    source.mkdir()
    (source / "views.py").write_text(
        "from django.utils.translation import gettext as _\n"
        "TITLE = _('Z-score calculator')\n"
        "NEW = _('A brand new sentence')\n"
    )
    problems = [str(p) for p in translations.catalogue_problems(root=source)]
    assert "[id] not in django.po: 'A brand new sentence'" in problems
    assert "[id] in django.po but not in the source: 'Calculate'" in problems
    assert not any("Z-score calculator" in problem for problem in problems)


def test_it_finds_strings_in_templates(tmp_path):
    templates = tmp_path / "pkg" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% load i18n %}{% translate "Calculate" %}'
        "{% blocktranslate trimmed with n=count %}\n  {{ n }} new\n  children"
        "{% endblocktranslate %}"
    )
    template = translations.extract(tmp_path / "pkg")
    assert {message.id for message in template if message.id} == {
        "Calculate",
        "%(n)s new children",
    }


def test_it_detects_a_translation_that_drops_a_placeholder(locale_copy):
    _replace_in_po(
        locale_copy,
        'msgstr "umur %(months)s bulan"',
        'msgstr "umur bulan"',
    )
    problems = [str(p) for p in translations.catalogue_problems(locale_dir=locale_copy)]
    assert problems == ["[id] placeholders differ from the source: '%(months)s months old'"]


def test_update_writes_po_and_mo_that_pass_the_checks(locale_copy):
    translations.update(locale_dir=locale_copy)
    assert translations.catalogue_problems(locale_dir=locale_copy) == []
    assert translations.compiled_catalogue_problems(locale_dir=locale_copy) == []
