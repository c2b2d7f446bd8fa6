"""Who reaches the back office, and the one way each object is fetched there.

Anyone without the role gets 404, exactly like a missing page; staff without two-factor
authentication are sent to set it up first.
"""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from missions.models import Application, Call, Contingent, Mission, Placement
from missions.rules import is_programme_manager, is_reviewer


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _role_required(allowed):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise Http404
            if not has_mfa(request.user):
                messages.warning(
                    request,
                    _("Activez la double authentification pour accéder à l'espace de l'équipe."),
                )
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _role_required(lambda user: is_programme_manager(user) or is_reviewer(user))
manager_required = _role_required(is_programme_manager)


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def calls_for_staff(user):
    if is_programme_manager(user):
        return Call.objects.all()
    return Call.objects.filter(reviewers=user)


def get_application_for_staff(user, pk: int) -> Application:
    return _get(
        Application.objects.visible_to_staff(user).select_related(
            "call", "volunteer", "volunteer__volunteer_profile", "eligibility_report"
        ),
        pk,
    )


def get_call_for_manager(user, pk: int) -> Call:
    return _get(Call.objects.all() if is_programme_manager(user) else Call.objects.none(), pk)


def get_mission_for_manager(user, pk: int) -> Mission:
    return _get(
        Mission.objects.select_related("partner", "theme")
        if is_programme_manager(user)
        else Mission.objects.none(),
        pk,
    )


def get_contingent_for_manager(user, pk: int) -> Contingent:
    return _get(
        Contingent.objects.select_related("call", "partner")
        if is_programme_manager(user)
        else Contingent.objects.none(),
        pk,
    )


def get_placement_for_manager(user, pk: int) -> Placement:
    return _get(
        Placement.objects.select_related("contingent", "application", "mission", "volunteer")
        if is_programme_manager(user)
        else Placement.objects.none(),
        pk,
    )
