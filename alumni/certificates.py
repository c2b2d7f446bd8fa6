"""Certificates of completion: issued when a placement ends as completed, typeset by Typst (as the
committee's minutes are), with a QR code and a short code that lead to the public verification
page. What a certificate says is kept as issued; staff may revoke it with a reason."""

import io
import json
import secrets
from pathlib import Path

import segno
import typst
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alumni.enums import CertificateStatus
from alumni.models import Certificate
from anvt.errors import Refused
from missions import rules
from missions.enums import PlacementStatus
from missions.models import Placement

TEMPLATE = Path(__file__).with_name("certificate.typ")
# Crockford's base32 without the letters read as digits (I, L, O, U): easy to read out and type.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LANGUAGES = ("fr", "en")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _n in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(code: str) -> str:
    """What a person typed, as stored: upper case, O read as 0, I and L as 1, one dash."""
    cleaned = code.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")
    cleaned = "".join(c for c in cleaned if c in ALPHABET)
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else ""


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('certificate_verify', args=[code])}"


def snapshot(placement: Placement) -> dict:
    profile = getattr(placement.volunteer, "volunteer_profile", None)
    mission = placement.mission
    theme = mission.theme
    host = placement.host or mission.partner
    return {
        "volunteer": (profile.full_name if profile else "") or str(placement.volunteer),
        "mission": mission.title,
        "host": host.name if host else "",
        "city": mission.city,
        "country": str(mission.country),
        "start": (placement.actual_departure or mission.start_date).isoformat(),
        "end": (placement.return_date or mission.end_date).isoformat(),
        "themes": [{"fr": theme.name_fr, "en": theme.name_en}] if theme else [],
        "partner": placement.contingent.partner.name,
        "contingent": placement.contingent.name,
    }


def issue(placement: Placement) -> Certificate:
    """The placement's certificate (once: a second call returns the first)."""
    if placement.status != PlacementStatus.COMPLETED:
        raise Refused(_("Un certificat se délivre à la fin d'une mission accomplie."))
    existing = Certificate.objects.filter(placement=placement).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    placement=placement,
                    code=new_code(),
                    data=snapshot(placement),
                    issued_at=timezone.now(),
                )
        except IntegrityError:  # a code drawn twice (1 in 10^12): draw again
            existing = Certificate.objects.filter(placement=placement).first()
            if existing is not None:
                return existing
    raise RuntimeError("No free certificate code after five draws.")


def issue_on_completion(sender, placement, **kwargs) -> None:
    issue(placement)


def refresh_dates(sender, placement, **kwargs) -> None:
    """A recorded date corrected: a valid certificate says the corrected dates."""
    certificate = Certificate.objects.filter(placement=placement, status="valid").first()
    if certificate is not None:
        fresh = snapshot(placement)
        certificate.data = {**certificate.data, "start": fresh["start"], "end": fresh["end"]}
        certificate.save(update_fields=["data"])


def revoke(certificate: Certificate, *, actor, reason: str) -> None:
    if not rules.is_programme_manager(actor):
        raise Refused(_("Vous n'avez pas le droit de faire cette action."))
    if not reason.strip():
        raise Refused(_("Indiquez le motif de la révocation : il est gardé avec le certificat."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            raise Refused(_("Ce certificat est déjà révoqué."))
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.revoked_reason = reason.strip()
        locked.save()
    certificate.refresh_from_db()


def qr_svg(payload: str) -> str:
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return buffer.getvalue().decode()


def render(certificate: Certificate, language: str = "fr") -> bytes:
    """The certificate as a PDF, in French or English."""
    language = language if language in LANGUAGES else "fr"
    data = certificate.data
    with translation.override(language):
        fields = {
            "language": language,
            "code": certificate.code,
            "url": verify_url(certificate.code),
            "volunteer": data["volunteer"],
            "mission": data["mission"],
            "host": data["host"],
            "place": ", ".join(p for p in (data["city"], _country(data["country"])) if p),
            "start": _date(data["start"]),
            "end": _date(data["end"]),
            "themes": ", ".join(theme[language] for theme in data["themes"]) or "—",
            "partner": data["partner"],
            "issued": date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT"),
            "revoked": "" if certificate.is_valid else _("Révoqué"),
        }
    return typst.compile(
        TEMPLATE.read_bytes(),
        format="pdf",
        sys_inputs={
            "data": json.dumps(fields, ensure_ascii=False),
            "qr": qr_svg(fields["url"]),
        },
    )


def download(certificate: Certificate, asked: str) -> tuple[bytes, str]:
    """The PDF and its file name, in English when asked for ("en"), else in French: the one
    reading of the `langue` parameter, for the volunteer's and the staff's downloads."""
    language = "en" if asked == "en" else "fr"
    return render(certificate, language), f"certificat-{certificate.code}-{language}.pdf"


def _date(iso: str) -> str:
    from datetime import date

    return date_format(date.fromisoformat(iso), "DATE_FORMAT")


def _country(code: str) -> str:
    from django_countries import countries

    return str(dict(countries).get(code, code))
