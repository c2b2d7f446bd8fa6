"""The pages of a committee member from outside ANVT, reached only through their signed link
(selection/links.py): the session's applicants, the declarations of interest, each file and its
marks. A forged link answers 404; the link of a closed session says so and changes nothing."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anvt.errors import Refused
from selection import links
from staff import selection


def _seat(request, token: str):
    member = links.member_for(token)
    if member is None:
        raise Http404
    try:
        links.check(member)
    except Refused as refusal:
        return None, render(
            request,
            "staff/committee_closed.html",
            {"refusal": refusal.message, "session": member.session},
            status=410,
        )
    return selection.external_seat(member, token), None


def _private(response):
    # The link is a secret: no search engine, no shared cache (never_cache).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def home(request, token: str):
    seat, refusal = _seat(request, token)
    if refusal:
        return _private(refusal)
    return _private(selection.session_page(request, seat.member.session, seat=seat, manages=False))


@never_cache
def declarations(request, token: str):
    seat, refusal = _seat(request, token)
    return _private(refusal or selection.declarations_page(request, seat))


@never_cache
def file(request, token: str, application_pk: int):
    seat, refusal = _seat(request, token)
    return _private(refusal or selection.file_page(request, seat, application_pk))


@never_cache
@require_POST
def mark(request, token: str, application_pk: int):
    seat, refusal = _seat(request, token)
    return _private(refusal or selection.mark_action(request, seat, application_pk))
