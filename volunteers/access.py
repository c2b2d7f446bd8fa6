"""Access helpers: an object that is not the volunteer's answers 404, exactly like a missing one."""

from django.http import Http404

from missions.models import Application


def get_application_for_volunteer(user, pk: int) -> Application:
    try:
        return (
            Application.objects.of_volunteer(user)
            .select_related("call", "eligibility_report")
            .get(pk=pk)
        )
    except Application.DoesNotExist as exc:
        raise Http404 from exc
