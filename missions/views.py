from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from missions.enums import MissionStatus
from missions.filters import MissionFilter
from missions.models import Application, Call, Mission

PAGE_SIZE = 12


def _published_missions():
    return (
        Mission.objects.published().select_related("theme", "partner").prefetch_related("languages")
    )


def _open_calls():
    return Call.objects.open_at(timezone.now()).prefetch_related(
        Prefetch("missions", queryset=Mission.objects.published().only("pk", "country"))
    )


def catalogue(request):
    """Open calls and published missions, filtered and paginated. Public."""
    filterset = MissionFilter(request.GET or None, queryset=_published_missions())
    missions = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(missions.order_by("start_date", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/catalogue.html",
        {
            "filter": filterset,
            "page": page,
            "calls": _open_calls(),
            "query": query.urlencode(),
        },
    )


def get_published_mission(pk: int) -> Mission:
    try:
        return _published_missions().get(pk=pk)
    except Mission.DoesNotExist as exc:
        raise Http404 from exc


def mission_detail(request, pk: int):
    mission = get_published_mission(pk)
    calls = _open_calls().filter(missions=mission)
    return render(request, "missions/mission_detail.html", {"mission": mission, "calls": calls})


def get_open_or_past_call(pk: int) -> Call:
    try:
        return Call.objects.filter(opens_at__lte=timezone.now()).get(pk=pk)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


def call_detail(request, pk: int):
    call = get_open_or_past_call(pk)
    missions = (
        call.missions.filter(status=MissionStatus.PUBLISHED)
        .select_related("theme", "partner")
        .prefetch_related("languages")
    )
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(volunteer=request.user, call=call).first()
    return render(
        request,
        "missions/call_detail.html",
        {"call": call, "missions": missions, "application": application, "is_open": call.is_open()},
    )
