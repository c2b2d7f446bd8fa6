"""The public pages: the catalogue of open calls and published missions."""

from django.core.paginator import Paginator
from django.db.models import Case, Prefetch, When
from django.shortcuts import render
from django.utils import timezone

from anvt.public_cache import public_page, stamp
from missions import public_pages
from missions.access import get_call_for_visitor, get_mission_for_visitor
from missions.enums import Direction, MissionStatus
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


# Kept per filter and page; a search (q) is built each time: each is someone's own words.
@public_page(
    until=public_pages.next_change,
    params=("theme", "country", "direction", "start_month", "language", "page"),
)
def catalogue(request):
    """Open calls and published missions, filtered and paginated. Public."""
    filterset = MissionFilter(request.GET or None, queryset=_published_missions())
    missions = filterset.qs if filterset.is_bound else filterset.queryset
    # Missions abroad first: the catalogue's readers are young Togolese who apply to them.
    abroad_first = Case(When(direction=Direction.INCOMING, then=1), default=0)
    page = Paginator(missions.order_by(abroad_first, "start_date", "pk"), PAGE_SIZE).get_page(
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
            "public_stamp": stamp(),
        },
    )


@public_page(until=public_pages.next_change)
def mission_detail(request, pk: int):
    mission = get_mission_for_visitor(request.user, pk)
    calls = _open_calls().filter(missions=mission)
    return render(request, "missions/mission_detail.html", {"mission": mission, "calls": calls})


@public_page(until=public_pages.next_change)
def call_detail(request, pk: int):
    call = get_call_for_visitor(request.user, pk)
    missions = (
        call.missions.filter(status=MissionStatus.PUBLISHED)
        .select_related("theme", "partner")
        .prefetch_related("languages")
    )
    # The visitor's own application to this call, if any (none for anonymous visitors).
    application = Application.objects.filter(volunteer_id=request.user.pk, call=call).first()
    return render(
        request,
        "missions/call_detail.html",
        {"call": call, "missions": missions, "application": application, "is_open": call.is_open()},
    )
