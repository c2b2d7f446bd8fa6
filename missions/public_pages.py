"""What the public pages show, and when it changes: the cache of `anvt.public_cache` is dropped
when a mission, a call, a theme or a partner changes, and kept no later than the next opening or
closing of a call, which changes the catalogue with no write at all."""

from datetime import datetime

from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from anvt import public_cache
from missions.models import Call, Mission, MissionLanguage, Theme
from partners.models import PartnerOrganisation

SHOWN = (Mission, MissionLanguage, Call, Theme, PartnerOrganisation)


def next_change() -> datetime | None:
    """The next moment a call opens or closes (one query)."""
    now = timezone.now()
    moments = Call.objects.aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    return min(filter(None, moments.values()), default=None)


def _changed(**kwargs) -> None:
    # Now, and again once committed: a page built between the two would otherwise be kept as
    # it was, under the new stamp.
    public_cache.invalidate()
    transaction.on_commit(public_cache.invalidate)


def connect() -> None:
    for model in SHOWN:
        post_save.connect(_changed, sender=model, weak=False)
        post_delete.connect(_changed, sender=model, weak=False)
    m2m_changed.connect(_changed, sender=Call.missions.through, weak=False)
    # Not public, but kept with the same stamp: the staff's filters list each reviewer's calls.
    m2m_changed.connect(_changed, sender=Call.reviewers.through, weak=False)
