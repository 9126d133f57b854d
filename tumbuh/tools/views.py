"""Views of the tools app: parse the form, call one service, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tumbuh.tools import services
from tumbuh.tools.forms import ZScoreCalculatorForm


@require_http_methods(["GET", "HEAD", "POST"])
def zscore_calculator(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        form = ZScoreCalculatorForm(request.POST)
        if form.is_valid():
            result = services.calculate(form.to_measurement())
    else:
        form = ZScoreCalculatorForm(initial={"measurement_date": timezone.localdate()})
    return render(request, "tools/zscore_calculator.html", {"form": form, "result": result})
