"""FHIR downloads: one child's Bundle, and a posyandu's children for a period (docs/fhir.md).

Records are fetched through :func:`tumbuh.accounts.scope.visible` (out of scope: 404). The
export carries names, NIK and addresses, so users who may not see identity (analysts without
``registry.view_identity``) get 403 before any record is looked up.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tumbuh.accounts.scope import posyandu_for, visible
from tumbuh.registry.models import Child

from . import bundle, services
from .forms import ExportForm

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"


def _identity_hidden(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/forbidden.html", {"message": _(
        "The FHIR export holds names, NIK and addresses, which are hidden for your account."
    )}, status=403)  # fmt: skip


def _options(request: HttpRequest) -> dict:
    """The query options shared by both downloads; ValueError with a message on bad input."""
    options = {"kind": request.GET.get("jenis", "transaction"),
               "zscores": request.GET.get("zskor", "1") != "0"}  # fmt: skip
    if options["kind"] not in ("transaction", "collection"):
        raise ValueError(_("jenis must be transaction or collection; got %(value)s.")
                         % {"value": options["kind"]})  # fmt: skip
    for key, name in (("since", "dari"), ("until", "sampai")):
        text = request.GET.get(name, "").strip()
        try:
            options[key] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            raise ValueError(
                _("%(name)s must be a date written YYYY-MM-DD; got %(value)s.")
                % {"name": name, "value": text}
            ) from None
    return options


def _bad_request(message: str) -> HttpResponse:
    # plain text: the message repeats what the user typed
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _json_response(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def may_export(user) -> bool:
    """Whether the user may export a posyandu: names shown, and a posyandu in the area (a TPK
    team's families have none of their own)."""
    return user.may_see_identity() and posyandu_for(user).exists()


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The form: a posyandu of the user's area, a period, the Bundle type; it sends the user on
    to :func:`posyandu_export` with those options (a plain GET form, no script)."""
    if not request.user.may_see_identity():
        return _identity_hidden(request)
    if not may_export(request.user):
        return render(request, "registry/forbidden.html", {"message": _(
            "The FHIR export is made per posyandu, and no posyandu is in your area."
        )}, status=403)  # fmt: skip
    form = ExportForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        url = reverse("fhir:posyandu_export", args=[form.cleaned_data["posyandu"].pk])
        query = form.query()
        return redirect(f"{url}?{urlencode(query)}" if query else url)
    return render(request, "fhir/export.html", {"form": form})


@login_required
@require_safe
def child_bundle(request: HttpRequest, pk) -> HttpResponse:
    """One child's Patient, mother and Observations as a Bundle (JSON download)."""
    if not request.user.may_see_identity():
        return _identity_hidden(request)
    child = get_object_or_404(visible(Child.objects.active(), request.user), pk=pk)
    try:
        options = _options(request)
    except ValueError as exc:
        return _bad_request(str(exc))
    rows = services.fetch(Child.objects.filter(pk=child.pk), since=options["since"],
                          until=options["until"])  # fmt: skip
    data = bundle.bundle(services.resources_for(rows, zscores=options["zscores"]),
                         kind=options["kind"], timestamp=timezone.now())  # fmt: skip
    return _json_response(data, f"fhir-{child.pk}.json")


@login_required
@require_safe
def posyandu_export(request: HttpRequest, pk) -> HttpResponse:
    """A posyandu's children (measured in the period when ``dari``/``sampai`` are given): Bundle
    pages of :data:`services.PAGE_SIZE` children (``halaman``, with next/previous links) or one
    NDJSON stream of every resource (``format=ndjson``)."""
    if not request.user.may_see_identity():
        return _identity_hidden(request)
    posyandu = get_object_or_404(posyandu_for(request.user), pk=pk)
    try:
        options = _options(request)
    except ValueError as exc:
        return _bad_request(str(exc))
    page_text = request.GET.get("halaman", "1")
    page = int(page_text) if page_text.isdigit() else 0
    if page < 1:
        return _bad_request(
            _("halaman must be a whole number from 1; got %(value)s.") % {"value": page_text}
        )
    qs = visible(services.children(posyandu, since=options["since"], until=options["until"]),
                 request.user)  # fmt: skip
    since, until, zscores = options["since"], options["until"], options["zscores"]
    if request.GET.get("format") == "ndjson":
        lines = (json.dumps(resource, ensure_ascii=False) + "\n"
                 for resource in services.iter_resources(qs, since=since, until=until,
                                                         zscores=zscores))  # fmt: skip
        response = StreamingHttpResponse(lines, content_type=NDJSON)
        response["Content-Disposition"] = f'attachment; filename="fhir-{posyandu.pk}.ndjson"'
        return response
    pks = list(qs.values_list("pk", flat=True))
    size = services.PAGE_SIZE
    chunk = pks[(page - 1) * size:page * size]
    rows = services.fetch(Child.objects.filter(pk__in=chunk).order_by("birth_date", "pk"),
                          since=since, until=until)  # fmt: skip
    links = [{"relation": "self", "url": _page_url(request, pk, page)}]
    if page * size < len(pks):
        links.append({"relation": "next", "url": _page_url(request, pk, page + 1)})
    if page > 1:
        links.append({"relation": "previous", "url": _page_url(request, pk, page - 1)})
    data = bundle.bundle(services.resources_for(rows, zscores=zscores), kind=options["kind"],
                         timestamp=timezone.now(), links=links)  # fmt: skip
    return _json_response(data, f"fhir-{posyandu.pk}-{page}.json")


def _page_url(request: HttpRequest, pk, page: int) -> str:
    query = {k: v for k, v in request.GET.items() if k != "halaman"}
    query["halaman"] = page
    return request.build_absolute_uri(
        reverse("fhir:posyandu_export", args=[pk]) + "?" + urlencode(query)
    )
