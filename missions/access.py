"""The public pages' one way to fetch a mission or a call: what the visitor may see, or 404."""

from django.shortcuts import get_object_or_404

from missions.models import Call, Mission


def get_mission_for_visitor(user, pk: int) -> Mission:
    return get_object_or_404(
        Mission.objects.visible_to(user)
        .select_related("theme", "partner")
        .prefetch_related("languages"),
        pk=pk,
    )


def get_call_for_visitor(user, pk: int) -> Call:
    return get_object_or_404(Call.objects.visible_to(user), pk=pk)
