"""Views of the areas app: read-only, thin; the queries live in ``queries.py``."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tumbuh.areas import codes, queries
from tumbuh.areas.models import Area


@login_required
@require_safe
def area_list(request: HttpRequest) -> HttpResponse:
    """The loaded areas as a tree: kecamatan › desa/kelurahan with their posyandu counts.

    ``?parent=CODE`` shows one kabupaten/kota or kecamatan (a province lists its
    kabupaten/kota). Without it: the one loaded kabupaten/kota, or a list to choose from.
    """
    parent_code = request.GET.get("parent", "").strip()
    if parent_code:
        root = get_object_or_404(Area, code=parent_code)
    else:
        regencies = queries.loaded_regencies()
        if len(regencies) != 1:
            return render(request, "areas/area_choose.html", {"regencies": regencies})
        root = regencies[0]
    if root.level == Area.Level.PROVINCE:
        regencies = [r for r in queries.loaded_regencies() if r.parent_id == root.code]
        context = {"regencies": regencies, "province": root}
        return render(request, "areas/area_choose.html", context)
    return render(request, "areas/area_list.html", {"tree": queries.area_tree(root)})


@login_required
@require_safe
def kelurahan_geojson(request: HttpRequest) -> JsonResponse:
    """Desa/kelurahan boundaries as a GeoJSON FeatureCollection, for maps.

    ``?parent=CODE`` limits them to one kabupaten/kota, kecamatan or village.
    """
    parent = None
    parent_code = request.GET.get("parent", "").strip()
    if parent_code:
        if not codes.is_code(parent_code):
            message = _("parent must be a Kemendagri area code with its dots, such as 64.71")
            return JsonResponse({"error": message}, status=400)
        parent = Area.objects.filter(code=parent_code).first()
        if parent is None:
            message = _("No area with the code %(code)s is loaded.") % {"code": parent_code}
            return JsonResponse({"error": message}, status=404)
    return JsonResponse(
        queries.kelurahan_feature_collection(parent), content_type="application/geo+json"
    )
