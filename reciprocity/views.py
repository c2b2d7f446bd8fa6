"""The programme's public figures, without signing in: the page, its CSV and its JSON
(reciprocity/funnel.py). Kept in the cache for anonymous visitors (anvt.public_cache), so that
the figures cost their queries once per cache period, not once per visitor."""

import csv
import io
import json

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from anvt.http import neutralise
from anvt.public_cache import public_page
from reciprocity import funnel


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year, year) for year in years]


def _year(request) -> tuple[int | None, list[int]]:
    """The year asked if there are figures for it, else the latest: any other query answers
    the latest year's page, never an error."""
    years = funnel.years()
    form = YearForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["annee"], years
    return (years[0] if years else None), years


@public_page(params=("annee",))
def figures(request):
    year, years = _year(request)
    return render(
        request,
        "reciprocity/figures.html",
        {"year": year, "years": years, "data": funnel.figures(year) if year else None},
    )


@public_page(params=("annee",))
def figures_json(request):
    year, years = _year(request)
    body = funnel.as_json(funnel.figures(year)) if year else {"years": []}
    body["years"] = years
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@public_page(params=("annee",))
def figures_csv(request):
    year, _years = _year(request)
    output = io.StringIO()
    writer = csv.writer(output)
    output.write("\ufeff")  # Excel reads the accents
    writer.writerow(["annee", "tableau", "ligne", "colonne", "effectif"])
    if year:
        data = funnel.figures(year)
        for row in funnel.as_rows(data):
            writer.writerow([neutralise(cell) for cell in row])
        writer.writerow([])
        writer.writerow([data["licence"]])
    response = HttpResponse(output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="anvt-chiffres-{year or "vide"}.csv"'
    return response
