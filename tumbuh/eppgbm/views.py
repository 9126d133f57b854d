"""e-PPGBM pages: upload → column mapping preview → import → report; export form.

Files above ``LARGE_FILE_ROWS`` rows are imported in a background thread: the report page shows
a progress bar and refreshes itself until the run is done (``kemajuan.json`` for scripts).

Only data managers (bidan, administrators) use them: others get 403. A run's report is seen by
whoever ran it and administrators (404 otherwise); exports go through ``accounts.scope``.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tumbuh.accounts.scope import posyandu_for
from tumbuh.lib import downloads

from . import services
from .forms import ExportForm, MappingForm, UploadForm
from .models import INTERRUPTED_AFTER_MINUTES

PREVIEW_ROWS = 5
#: Rows above which a file is imported in a background thread, with a progress bar (smaller
#: files are imported within the request: a few seconds at most).
LARGE_FILE_ROWS = 2000
#: How often the report page of a run in progress reloads itself (<meta http-equiv="refresh">).
REFRESH_SECONDS = 2


def upload_dir() -> Path:
    """Where uploaded files wait for their column mapping (deleted once imported): the
    setting ``EPPGBM_UPLOAD_DIR`` if set (the tests), else ``uploads/eppgbm`` in the data
    directory (``TUMBUH_DATA_DIR``): names and NIK stay with the rest of the data, not in the
    system's shared temporary folder."""
    path = Path(getattr(settings, "EPPGBM_UPLOAD_DIR", "") or
                Path(settings.DATA_DIR) / "uploads" / "eppgbm")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _upload_path(token: str, user):
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
        raise Http404
    return upload_dir() / f"{token}.{user.pk}"


def _manager(request):
    if not services.may_import(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        data = f.read()
        try:
            services.read_table(data, f.name)
        except services.FileError as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(18)
            _upload_path(token, request.user).write_bytes(data)
            (upload_dir() / f"{token}.{request.user.pk}.name").write_text(f.name[:255])
            return redirect("eppgbm:preview", token=token)
    recent = services.visible_runs(request.user).select_related("created_by")[:5]
    return render(request, "eppgbm/upload.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: str) -> HttpResponse:
    _manager(request)
    path = _upload_path(token, request.user)
    claimed = path.with_name(path.name + ".importing")
    if not path.exists():
        if claimed.exists():  # a second tap on Import while the first one reads the file
            return _already_importing(request)
        raise Http404
    name_path = path.with_name(path.name + ".name")
    file_name = name_path.read_text() if name_path.exists() else path.name
    headers, rows = services.read_table(path.read_bytes(), file_name)
    form = MappingForm(request.POST or None, headers=headers,
                       initial_mapping=services.auto_mapping(headers))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        # one import per upload: the request that renames the file imports it; a second tap
        # (or a second tab) finds it gone
        try:
            path.rename(claimed)
        except FileNotFoundError:
            return _already_importing(request)
        start = services.start_import if len(rows) > LARGE_FILE_ROWS else services.import_table
        run = None
        try:
            run = start(
                headers, rows, user=request.user, file_name=file_name, mapping=form.mapping(),
                posyandu_map=services.parse_posyandu_map(form.cleaned_data["posyandu_map"]),
            )  # fmt: skip
        except services.FileError as exc:
            form.add_error("posyandu_map", str(exc))
        finally:
            if run is None:  # nothing imported: the file waits for a corrected form
                claimed.rename(path)
        if run is not None:
            claimed.unlink(missing_ok=True)
            name_path.unlink(missing_ok=True)
            return redirect("eppgbm:report", pk=run.pk)
    width = len(headers)
    sample = [[services.text_of(v) for v in (r + [""] * width)[:width]]
              for r in rows[:PREVIEW_ROWS]]  # fmt: skip
    missing = [services.LABELS[k] for k in services.REQUIRED
               if k not in services.auto_mapping(headers)]  # fmt: skip
    return render(request, "eppgbm/preview.html", {
        "form": form, "headers": headers, "sample": sample, "n_rows": len(rows),
        "file_name": file_name, "large": len(rows) > LARGE_FILE_ROWS, "missing": missing,
    })  # fmt: skip


def _already_importing(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("This file is already being imported: its report is in the list "
                             "below."))  # fmt: skip
    return redirect("eppgbm:runs")


@login_required
@require_safe
def runs(request: HttpRequest) -> HttpResponse:
    _manager(request)
    page = Paginator(services.visible_runs(request.user).select_related("created_by"), 50)
    return render(request, "eppgbm/runs.html",
                  {"page_obj": page.get_page(request.GET.get("page"))})  # fmt: skip


def _run(request: HttpRequest, pk):
    """The run ``pk`` if the user may see its report (403 for others than data managers, 404
    for another manager's run)."""
    _manager(request)
    return get_object_or_404(services.visible_runs(request.user), pk=pk)


@never_cache
@login_required
@require_safe
def report(request: HttpRequest, pk) -> HttpResponse:
    run = _run(request, pk)
    page = Paginator(run.issues.all(), 100).get_page(request.GET.get("page"))
    return render(request, "eppgbm/report.html", {
        "run": run, "page_obj": page, "refresh_seconds": REFRESH_SECONDS,
        "interrupted_after_minutes": INTERRUPTED_AFTER_MINUTES,
    })  # fmt: skip


@never_cache
@login_required
@require_safe
def progress(request: HttpRequest, pk) -> JsonResponse:
    """``{status, rows, rows_done, errors}`` of a run, for scripts (scoped as the report)."""
    run = _run(request, pk)
    return JsonResponse(services.progress_data(run))


@login_required
@require_safe
def errors_csv(request: HttpRequest, pk, fmt: str = "csv") -> HttpResponse:
    """The run's refused rows and warnings: ``galat.csv`` (with a byte-order mark, so that
    Excel reads it as UTF-8) or ``galat.xlsx``."""
    run = _run(request, pk)
    header = [_("row"), _("column"), _("value"), _("message")]
    rows = run.issues.values_list("row", "column", "value", "message")
    if fmt == "xlsx":
        return downloads.table_response("xlsx", f"eppgbm-errors-{run.pk}", header, rows,
                                        sheet=_("Errors"), notes=[run.file_name])  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="eppgbm-errors-{run.pk}.csv"'
    response.write("\ufeff")
    services.write_csv([header, *rows], response)
    return response


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    _manager(request)
    posyandu_list = list(posyandu_for(request.user).order_by("name"))
    form = ExportForm(request.GET or None, posyandu_list=posyandu_list)
    if request.GET and form.is_valid():
        d = form.cleaned_data
        chosen = None
        if d["posyandu"]:
            chosen = next((p for p in posyandu_list if str(p.pk) == d["posyandu"]), None)
            if chosen is None:
                raise Http404
        rows = services.export_rows(request.user, start=d["start"], end=d["end"],
                                    posyandu=chosen)  # fmt: skip
        name = f"eppgbm-{d['start']:%Y%m%d}-{d['end']:%Y%m%d}"
        if d["format"] == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response.write("\ufeff")
            services.write_csv(rows, response)
        else:
            out = io.BytesIO()
            services.write_xlsx(rows, out)
            response = HttpResponse(
                out.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{d["format"]}"'
        return response
    return render(request, "eppgbm/export.html", {"form": form})
