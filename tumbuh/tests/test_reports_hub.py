"""The reports hub (``reports``, /laporan/): for every role of the test cast, each link the hub
shows opens (200) and each report of the catalogue it hides is refused (403 or 404), so the hub
and the reports' own views cannot disagree; the menu's Reports entry replaces SKDN, Prevalence
and Data quality."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tumbuh.reports import BY_KEY, CATALOGUE, GROUPS

HUB = reverse("reports")
#: The roles of the shared cast (tumbuh/testcast.py) the hub is checked for.
ROLES = ("kader_a", "bidan_a", "tpk_a", "analyst", "analyst_names", "admin")
#: What each role does not find on the hub (the reports' views refuse it).
HIDDEN = {
    "kader_a": {"recap", "eppgbm"},
    "bidan_a": set(),
    "tpk_a": {"recap", "eppgbm", "fhir"},  # a TPK team has no posyandu of its own
    "analyst": {"eppgbm", "fhir"},  # no names
    "analyst_names": {"eppgbm"},
    "admin": set(),
}


class _Cards(HTMLParser):
    """The cards of the hub: report key → the links inside its card."""

    def __init__(self):
        super().__init__()
        self.cards: dict[str, list[str]] = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-report" in attrs:
            self._current = attrs["data-report"]
            self.cards[self._current] = []
        elif tag == "a" and self._current:
            self.cards[self._current].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "section":
            self._current = None


def cards_of(client, user) -> dict[str, list[str]]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(HUB)
    assert response.status_code == 200
    parser = _Cards()
    parser.feed(response.content.decode())
    return parser.cards


def _probe(report, cast) -> str:
    """A URL of a report the hub hid (posyandu Melati for the reports of one posyandu)."""
    return reverse(report.url_name, args=[cast.pos_a1.pk] if report.per_posyandu else None)


@pytest.mark.parametrize("username", ROLES)
def test_every_link_the_hub_shows_opens_and_every_report_it_hides_is_refused(cast, client,
                                                                             username):  # fmt: skip
    user = getattr(cast, username)
    cards = cards_of(client, user)
    assert set(cards) <= set(BY_KEY)
    hidden = set(BY_KEY) - set(cards)
    problems = []
    for key, links in cards.items():
        if not links:
            problems.append(f"{key}: a card without a link")
        for url in links:
            status = client.get(url).status_code
            if status != 200:
                problems.append(f"{key}: {url} gives {status} (shown on the hub)")
    for key in sorted(hidden):
        url = _probe(BY_KEY[key], cast)
        status = client.get(url).status_code
        if status not in (403, 404):
            problems.append(f"{key}: {url} gives {status} (hidden on the hub)")
    assert not problems, f"{username}: " + "; ".join(problems)
    assert hidden == HIDDEN[username]


def test_every_report_url_name_of_the_catalogue_exists():
    for report in CATALOGUE:
        args = [uuid.uuid4()] if report.per_posyandu else None
        assert reverse(report.url_name, args=args)
    assert reverse("analytics:skdn")  # where the F1 card sends users of several posyandu
    assert len(BY_KEY) == len(CATALOGUE)
    assert {r.group for r in CATALOGUE} <= {key for key, _title in GROUPS}


def test_a_kader_of_one_posyandu_reaches_her_form_f1_and_a_bidan_the_skdn_table(cast, client):
    f1 = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    assert cards_of(client, cast.kader_a)["posyandu-report"] == [f1]
    assert cards_of(client, cast.bidan_a)["posyandu-report"] == [
        reverse("analytics:skdn") + "?tingkat=posyandu"
    ]


def test_the_fhir_card_opens_the_export_form(cast, client):
    assert cards_of(client, cast.bidan_a)["fhir"] == [reverse("fhir:export")]


def test_the_hub_groups_the_cards_under_headings_with_their_formats(cast, client):
    client.force_login(cast.bidan_a)
    client.cookies["django_language"] = "en"
    page = client.get(HUB).content.decode()
    for heading in ("Growth monitoring", "City", "Programmes", "National systems"):
        assert f">{heading}</h2>" in page
    assert page.index("Growth monitoring") < page.index("National systems")
    assert '<li class="badge">Print</li>' in page and '<li class="badge">PDF</li>' in page


# --- the menu --------------------------------------------------------------------------------


def nav_on(client, user, url) -> str:
    client.force_login(user)
    page = client.get(url).content.decode()
    start = page.index('id="site-nav"')
    return page[start : page.index("</nav>", start)]


def test_the_menu_links_the_hub_instead_of_the_single_reports(cast, client):
    for username in ROLES:
        nav = nav_on(client, getattr(cast, username), reverse("home"))
        assert f'href="{HUB}"' in nav
        for name in ("analytics:skdn", "analytics:prevalence", "quality:scorecard"):
            assert f'href="{reverse(name)}"' not in nav


@pytest.mark.parametrize("url_name", ["reports", "analytics:skdn", "analytics:prevalence",
                                      "quality:scorecard"])  # fmt: skip
def test_the_reports_entry_is_current_on_the_hub_and_the_report_pages(cast, client, url_name):
    nav = nav_on(client, cast.bidan_a, reverse(url_name))
    assert f'<a href="{HUB}" aria-current="page">' in nav


def test_the_reports_entry_is_not_current_elsewhere(cast, client):
    nav = nav_on(client, cast.bidan_a, reverse("home"))
    assert f'<a href="{HUB}">' in nav
