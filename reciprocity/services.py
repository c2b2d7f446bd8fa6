"""Writes of the reciprocity work (issue 21): partnership agreements, and the registry of host
structures in Togo with their verifications by ANVT. Programme managers only; each function
takes clean values and refuses, changing nothing, with a message the manager may read."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.roles import is_programme_manager
from anvt.errors import Refused
from partners.enums import OrganisationKind
from partners.models import Agreement, HostVerification, PartnerOrganisation

AGREEMENT_FIELDS = (
    "reference",
    "starts_on",
    "ends_on",
    "countries",
    "quota_sent",
    "quota_received",
    "note",
)
# A verification holds three years at most: papers and premises change.
MAX_VALIDITY_DAYS = 3 * 366
HOST_FIELDS = (
    "name",
    "region",
    "city",
    "legal_form",
    "registration_number",
    "contact_name",
    "contact_email",
    "contact_phone",
    "active",
)


def _require_manager(actor) -> None:
    if not is_programme_manager(actor):
        raise Refused(_("Seul·e un·e responsable de programme peut faire cela."))


def agreement_refusal(partner, values: dict, *, excluding: int | None = None) -> str | None:
    """Why these values cannot make an agreement of this partner, or None: a negative quota, a
    period that ends before it starts, no country, or a period and countries overlapping another
    agreement of the same partner. The form and the service both ask."""
    starts, ends = values.get("starts_on"), values.get("ends_on")
    for name in ("quota_sent", "quota_received"):
        if values.get(name) is not None and values[name] < 0:
            return _("Un quota ne peut pas être négatif.")
    if starts and ends and ends < starts:
        return _("L'accord ne peut pas finir avant de commencer.")
    wanted = {str(code) for code in values.get("countries") or ()}
    if not wanted:
        return _("Indiquez au moins un pays couvert par l'accord.")
    if partner is None or not (starts and ends):
        return None
    others = Agreement.objects.filter(partner=partner, starts_on__lte=ends, ends_on__gte=starts)
    if excluding is not None:
        others = others.exclude(pk=excluding)
    for other in others:
        shared = wanted & {str(code) for code in other.countries}
        if shared:
            return _(
                "Cet accord chevauche l'accord %(reference)s (du %(starts)s au %(ends)s) pour "
                "%(countries)s : un seul accord par pays à la fois. Modifiez l'autre accord ou "
                "changez les dates."
            ) % {
                "reference": other.reference,
                "starts": date_format(other.starts_on, "SHORT_DATE_FORMAT"),
                "ends": date_format(other.ends_on, "SHORT_DATE_FORMAT"),
                "countries": ", ".join(sorted(str(countries.name(code)) for code in shared)),
            }
    return None


def save_agreement(agreement: Agreement | None, *, actor, partner, values: dict) -> Agreement:
    """Create (agreement None) or change an agreement of `partner`."""
    _require_manager(actor)
    if partner.kind != OrganisationKind.SENDING_AGENCY:
        raise Refused(_("Les accords se concluent avec une agence d'envoi."))
    with transaction.atomic():
        # One writer at a time per partner: two overlapping agreements saved at the same
        # moment would each see the other missing.
        PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
        refusal = agreement_refusal(
            partner, values, excluding=agreement.pk if agreement is not None else None
        )
        if refusal:
            raise Refused(refusal)
        agreement = agreement or Agreement(partner=partner, created_by=actor)
        for name in AGREEMENT_FIELDS:
            if name in values:
                setattr(agreement, name, values[name])
        agreement.save()
    return agreement


def save_host(host: PartnerOrganisation | None, *, actor, values: dict) -> PartnerOrganisation:
    """Register (host None) or correct a host structure in Togo."""
    _require_manager(actor)
    if not values.get("region"):
        raise Refused(_("Indiquez la région du Togo où se trouve la structure."))
    if host is not None and (host.kind, host.country) != (OrganisationKind.HOST_STRUCTURE, "TG"):
        raise Refused(_("Cette organisation n'est pas une structure d'accueil au Togo."))
    host = host or PartnerOrganisation(kind=OrganisationKind.HOST_STRUCTURE, country="TG")
    for name in HOST_FIELDS:
        if name in values:
            setattr(host, name, values[name])
    host.save()
    return host


def verify_host(
    host: PartnerOrganisation,
    *,
    actor,
    verified_on: datetime.date,
    valid_until: datetime.date,
    note: str = "",
) -> HostVerification:
    """ANVT has checked the structure on `verified_on`; it may host until `valid_until`."""
    _require_manager(actor)
    if (host.kind, host.country) != (OrganisationKind.HOST_STRUCTURE, "TG"):
        raise Refused(_("Cette organisation n'est pas une structure d'accueil au Togo."))
    if verified_on > timezone.localdate():
        raise Refused(_("Une vérification ne peut pas être datée d'un jour à venir."))
    if valid_until < verified_on:
        raise Refused(_("La validité ne peut pas finir avant la vérification."))
    if (valid_until - verified_on).days > MAX_VALIDITY_DAYS:
        raise Refused(_("Une vérification vaut trois ans au plus."))
    return HostVerification.objects.create(
        organisation=host,
        verified_on=verified_on,
        valid_until=valid_until,
        note=note.strip(),
        verified_by=actor,
    )
