from celery import shared_task
from django.contrib.auth import get_user_model

from volunteer_space import services


@shared_task
def erase_volunteer(*, user_id: int) -> None:
    """Erase a volunteer's personal data after they asked for the deletion of their account."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or user.is_active:  # gone, or reactivated by an administrator meanwhile
        return
    services.erase_volunteer(user)
