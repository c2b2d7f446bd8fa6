"""Access helpers: an object that is not the volunteer's answers 404, exactly like a missing one."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from accounts.roles import is_volunteer
from missions.models import Application
from volunteers.models import Document, Experience


def volunteer_required(view):
    """Logged in, and a volunteer: staff and partner users have no volunteer space (404)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_volunteer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def get_application_for_volunteer(user, pk: int) -> Application:
    return _get(
        Application.objects.of_volunteer(user).select_related("call", "eligibility_report"), pk
    )


def get_experience_for_volunteer(user, pk: int) -> Experience:
    return _get(Experience.objects.visible_to(user), pk)


def get_document_for_volunteer(user, pk: int) -> Document:
    return _get(Document.objects.visible_to(user), pk)
