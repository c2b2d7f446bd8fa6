"""Writes of the audit trail that are not status changes: who read or exported sensitive data."""

from django.contrib.contenttypes.models import ContentType

from audit.models import AccessLog


def record_access(user, *, action: str, subject) -> AccessLog:
    """`user` viewed, downloaded or exported `subject` (an object, or a model for a whole list)."""
    if isinstance(subject, type):
        return AccessLog.objects.create(
            user=user,
            action=action,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=0,
        )
    return AccessLog.objects.create(user=user, action=action, subject=subject)
