"""Registry pages: households, their members, children and pregnancies; duplicates and merge.

Every record is fetched through :func:`tumbuh.accounts.scope.visible`, so a record outside the
user's scope is a 404. Inside the scope, a user who may only read (TPK members, analysts) gets
403 on the forms, and an analyst without the identity permission sees counts, never names.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tumbuh.accounts.scope import posyandu_for, visible

from . import services
from .forms import ChildForm, HouseholdForm, PersonForm, PregnancyForm
from .models import Child, Household, Person, Pregnancy, Sex

PAGE_SIZE = 25
FORM_METHODS = ["GET", "HEAD", "POST"]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "registry/forbidden.html", {"message": message}, status=403)


def _read_only(request: HttpRequest) -> HttpResponse:
    return _forbidden(request, _("Your role may read the registry but not change it."))


def _identity_hidden(request: HttpRequest) -> HttpResponse:
    return _forbidden(
        request,
        _("Names and addresses are hidden for your account; the household list shows counts "
          "by area."),
    )  # fmt: skip


def _household(request: HttpRequest, pk) -> Household:
    queryset = Household.objects.select_related("kelurahan", "posyandu", "tpk_team")
    return get_object_or_404(visible(queryset, request.user), pk=pk)


def _existing(request: HttpRequest, model):
    """The record a create form already saved (sent twice on a weak connection), if any."""
    client_id = request.POST.get("client_id", "").strip()
    if not client_id:
        return None
    try:
        return visible(model.objects.all(), request.user).filter(pk=client_id).first()
    except ValidationError:  # not a UUID: the form says so
        return None


# --- households ---------------------------------------------------------------------------------


@login_required
@require_safe
def household_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.may_see_identity():
        context = {"rows": services.counts_by_posyandu(user), "totals": services.totals(user)}
        return render(request, "registry/household_counts.html", context)
    posyandu_choices = list(posyandu_for(user))
    query = request.GET.get("q", "").strip()[:100]
    chosen = request.GET.get("posyandu", "")
    posyandu = next((p for p in posyandu_choices if str(p.pk) == chosen), None)
    households = services.household_list(user, query=query, posyandu=posyandu)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "posyandu": posyandu,
        "posyandu_choices": posyandu_choices,
        "may_edit": services.may_edit(user),
    }
    return render(request, "registry/household_list.html", context)


@login_required
@require_safe
def household_detail(request: HttpRequest, pk) -> HttpResponse:
    household = _household(request, pk)
    user = request.user
    if not user.may_see_identity():
        return _identity_hidden(request)
    children = visible(Child.objects.active().filter(household=household), user)
    pregnancies = visible(Pregnancy.objects.filter(woman__household=household), user)
    members = household.members.all()
    today = timezone.localdate()
    pregnancies = list(pregnancies.select_related("woman", "posyandu"))
    for pregnancy in pregnancies:
        pregnancy.weeks_today = int(pregnancy.gestational_weeks_on(today))
    context = {
        "household": household,
        "members": members,
        "children": children.select_related("posyandu", "mother").order_by("birth_date"),
        "pregnancies": pregnancies,
        "today": today,
        "may_edit": services.may_edit(user),
        "may_merge": services.may_merge(user),
    }
    return render(request, "registry/household_detail.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def household_create(request: HttpRequest) -> HttpResponse:
    if not services.may_edit(request.user):
        return _read_only(request)
    if request.method == "POST":
        if (existing := _existing(request, Household)) is not None:
            return redirect("registry:household-detail", pk=existing.pk)
        form = HouseholdForm(request.POST, user=request.user)
        if form.is_valid():
            household = form.save(commit=False)
            household.created_by = request.user
            household.save()
            messages.success(request, _("Household saved. Now add its members and children."))
            return redirect("registry:household-detail", pk=household.pk)
    else:
        initial = {"posyandu": request.GET["posyandu"]} if "posyandu" in request.GET else {}
        form = HouseholdForm(user=request.user, initial=initial)
    return render(request, "registry/household_form.html", {"form": form})


@login_required
@require_http_methods(FORM_METHODS)
def household_edit(request: HttpRequest, pk) -> HttpResponse:
    household = _household(request, pk)
    if not services.may_edit(request.user):
        return _read_only(request)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Household saved."))
        return redirect("registry:household-detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "household": household})


# --- people -------------------------------------------------------------------------------------


def _person_form(request: HttpRequest, household: Household, person: Person | None):
    if not services.may_edit(request.user):
        return _read_only(request)
    if person is None and request.method == "POST":
        if (existing := _existing(request, Person)) is not None:
            return redirect("registry:household-detail", pk=existing.household_id)
    form = PersonForm(request.POST or None, instance=person, household=household,
                      user=request.user)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s saved.") % {"name": form.instance.name})
        return redirect("registry:household-detail", pk=household.pk)
    context = {"form": form, "household": household, "person": person}
    return render(request, "registry/person_form.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def person_create(request: HttpRequest, pk) -> HttpResponse:
    return _person_form(request, _household(request, pk), None)


@login_required
@require_http_methods(FORM_METHODS)
def person_edit(request: HttpRequest, pk) -> HttpResponse:
    person = get_object_or_404(
        visible(Person.objects.select_related("household"), request.user), pk=pk
    )
    return _person_form(request, person.household, person)


# --- children -----------------------------------------------------------------------------------


def _child_form(request: HttpRequest, household: Household, child: Child | None):
    if not services.may_edit(request.user):
        return _read_only(request)
    if child is None and request.method == "POST":
        if (existing := _existing(request, Child)) is not None:
            return redirect("registry:household-detail", pk=existing.household_id)
    initial = {}
    if child is None and "mother" in request.GET:
        initial["mother"] = request.GET["mother"]
    form = ChildForm(request.POST or None, instance=child, household=household,
                     user=request.user, initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if child is None:
            saved.created_by = request.user
        services.save_child(saved, changed=form.changed_data)
        messages.success(request, _("%(name)s saved.") % {"name": saved.name})
        return redirect("registry:household-detail", pk=household.pk)
    context = {"form": form, "household": household, "child": child}
    return render(request, "registry/child_form.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def child_create(request: HttpRequest, pk) -> HttpResponse:
    return _child_form(request, _household(request, pk), None)


@login_required
@require_http_methods(FORM_METHODS)
def child_edit(request: HttpRequest, pk) -> HttpResponse:
    child = get_object_or_404(
        visible(Child.objects.active().select_related("household"), request.user), pk=pk
    )
    return _child_form(request, child.household, child)


# --- pregnancies --------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def pregnancy_create(request: HttpRequest, pk) -> HttpResponse:
    household = _household(request, pk)
    if not services.may_edit(request.user):
        return _read_only(request)
    if request.method == "POST":
        if (existing := _existing(request, Pregnancy)) is not None:
            return redirect("registry:household-detail", pk=existing.woman.household_id)
    initial = {"woman": request.GET["woman"]} if "woman" in request.GET else {}
    form = PregnancyForm(request.POST or None, household=household, user=request.user,
                         initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        pregnancy = form.save()
        messages.success(
            request,
            _("Pregnancy saved. Estimated delivery date (HPL): %(hpl)s.")
            % {"hpl": pregnancy.hpl.strftime("%d-%m-%Y")},
        )
        return redirect("registry:household-detail", pk=household.pk)
    has_women = household.members.filter(sex=Sex.FEMALE).exists()
    context = {"form": form, "household": household, "has_women": has_women}
    return render(request, "registry/pregnancy_form.html", context)


# --- duplicates and merge -----------------------------------------------------------------------


@login_required
@require_safe
def duplicates(request: HttpRequest) -> HttpResponse:
    if not services.may_merge(request.user):
        return _forbidden(request, _("Only data managers may review and merge duplicates."))
    pairs = services.probable_duplicates(request.user)
    return render(request, "registry/duplicates.html", {"pairs": pairs})


@login_required
@require_http_methods(FORM_METHODS)
def merge(request: HttpRequest, first, second) -> HttpResponse:
    if not services.may_merge(request.user):
        return _forbidden(request, _("Only data managers may review and merge duplicates."))
    children = visible(
        Child.objects.active().select_related("household", "mother", "posyandu"), request.user
    )
    pair = [get_object_or_404(children, pk=first), get_object_or_404(children, pk=second)]
    if pair[0].pk == pair[1].pk:
        return _forbidden(request, _("A child cannot be merged with itself."))
    error = None
    if request.method == "POST":
        keep_id = request.POST.get("keep", "")
        by_id = {str(c.pk): c for c in pair}
        if keep_id not in by_id:
            error = _("Choose the record to keep.")
        else:
            keep = by_id.pop(keep_id)
            (remove,) = by_id.values()
            try:
                services.merge_children(keep=keep, remove=remove, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                error = " ".join(getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(
                    request,
                    _("Merged: %(removed)s is now part of %(kept)s; every measurement was kept.")
                    % {"removed": remove.name, "kept": keep.name},
                )
                return redirect("registry:household-detail", pk=keep.household_id)
    counts = services.measurement_counts([c.pk for c in pair])
    for child in pair:
        child.measurement_count = counts.get(child.pk, 0)
    context = {"pair": pair, "error": error}
    return render(request, "registry/merge.html", context, status=400 if error else 200)
