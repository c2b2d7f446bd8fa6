"""The one thing a volunteer should do now, at the top of her space: the first that applies of
an ordered list (her profile, a correction asked by ANVT, her departure file, her experiences
and documents, a draft, an application that is not eligible yet, a decision she waits for, an
open call). Each says why, by when, and links to the page where she does it."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anvt.http import NextStep
from missions import eligibility
from missions.enums import PLACEMENT_AWAITING, ApplicationStatus, Party, PlacementStatus
from missions.models import Application, Call, Placement
from missions.queries import FACTS_NOT_TO_CHANGE, returned_reason_of
from mobility.enums import ITEM_READY, ItemOwner, ItemState
from mobility.models import MobilityItem, WorkshopInvitation
from volunteers.enums import IDENTITY_DOCUMENTS, VerificationStatus
from volunteers.models import Document

A = ApplicationStatus
WAITING = (A.SUBMITTED, A.ELIGIBLE, A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED)


def _day(value) -> str:
    return formats.date_format(timezone.localtime(value) if hasattr(value, "hour") else value)


def _facts_fail(application) -> bool:
    """Whether her age or nationality fails the call's rule: completing her file would not make
    her eligible (a missing birth date is the profile's step, before)."""
    stored = getattr(application, "eligibility_report", None)
    if stored is None:
        return False
    return any(
        result.outcome == eligibility.FAIL
        for code, result in stored.report.criteria.items()
        if code in FACTS_NOT_TO_CHANGE
    )


def for_volunteer(user, *, missing, experience_count: int) -> NextStep:
    now = timezone.now()
    if missing:
        step, _label = missing[0]
        return NextStep(
            _("Complétez votre profil"),
            _("Il manque encore : %(items)s.") % {"items": ", ".join(str(m[1]) for m in missing)},
            reverse("volunteers:profile_step", args=[step]),
            _("Compléter mon profil"),
        )
    applications = list(
        Application.objects.filter(volunteer=user)
        .select_related("call", "eligibility_report")
        .order_by("-created_at")
    )
    returned = next((a for a in applications if a.status == A.RETURNED_FOR_CORRECTION), None)
    if returned is not None:
        reason = returned_reason_of(returned)
        return NextStep(
            _("Corrigez votre candidature"),
            _("L'ANVT vous demande : %(reason)s") % {"reason": reason}
            if reason
            else _("L'ANVT vous l'a renvoyée pour correction."),
            reverse("volunteers:application", args=[returned.pk]),
            _("Corriger ma candidature"),
        )
    placement = (
        Placement.objects.of_volunteer(user)
        .exclude(status__in=(PlacementStatus.DECLINED, PlacementStatus.CANCELLED))
        .select_related("contingent__partner", "host", "mission")
        .order_by("-created_at")
        .first()
    )
    if placement is not None and placement.status == PlacementStatus.CONFIRMED:
        invitation = WorkshopInvitation.objects.filter(
            placement=placement, answered_at__isnull=True, workshop__starts_at__gt=now
        ).select_related("workshop")
        if invitation.exists():
            return NextStep(
                _("Répondez à l'invitation à l'atelier de départ"),
                _("Dites à l'ANVT si vous venez : les places sont limitées."),
                reverse("volunteers:mobility", args=[placement.pk]),
                _("Répondre"),
            )
        to_do = list(
            MobilityItem.objects.filter(placement=placement, template__owner=ItemOwner.VOLUNTEER)
            .exclude(state__in=ITEM_READY)
            .exclude(state=ItemState.SUBMITTED)
            .order_by("due_date")
        )
        if to_do:
            return NextStep(
                _("Complétez votre dossier de départ"),
                ngettext(
                    "%(count)s élément à faire, au plus tard le %(date)s.",
                    "%(count)s éléments à faire ; le prochain au plus tard le %(date)s.",
                    len(to_do),
                )
                % {"count": len(to_do), "date": _day(to_do[0].due_date)},
                reverse("volunteers:mobility", args=[placement.pk]),
                _("Ouvrir mon dossier de départ"),
            )
    if not experience_count:
        return NextStep(
            _("Déclarez vos expériences de volontariat"),
            _("Les appels demandent en général deux ans d'expérience de volontariat."),
            reverse("volunteers:experience_add"),
            _("Ajouter une expérience"),
        )
    kinds = set(
        Document.objects.filter(volunteer=user)
        .exclude(verification_status=VerificationStatus.REJECTED)
        .values_list("kind", flat=True)
    )
    if not kinds >= eligibility.DEFAULT_REQUIRED_DOCUMENTS or not kinds & IDENTITY_DOCUMENTS:
        return NextStep(
            _("Déposez vos documents"),
            _(
                "Un CV, une lettre de motivation, une attestation d'expérience et une pièce "
                "d'identité ou un passeport."
            ),
            reverse("volunteers:documents"),
            _("Déposer mes documents"),
        )
    draft = next((a for a in applications if a.status == A.DRAFT and a.call.is_open(now)), None)
    if draft is not None:
        return NextStep(
            _("Terminez et envoyez votre candidature"),
            _("L'appel « %(call)s » ferme le %(date)s.")
            % {"call": draft.call.title, "date": _day(draft.call.closes_at)},
            reverse("volunteers:application_missions", args=[draft.pk]),
            _("Terminer ma candidature"),
        )
    ineligible = next(
        (a for a in applications if a.status == A.INELIGIBLE and a.call.is_open(now)), None
    )
    if ineligible is not None and _facts_fail(ineligible):
        return NextStep(
            _("Cet appel ne vous est pas ouvert"),
            _(
                "Votre âge ou votre nationalité ne remplit pas ses conditions : voyez pourquoi. Un "
                "prochain appel peut vous convenir."
            ),
            reverse("volunteers:application", args=[ineligible.pk]),
            _("Voir pourquoi"),
            done=True,
        )
    if ineligible is not None:
        return NextStep(
            _("Votre candidature n'est pas encore éligible"),
            _("Voyez ce qui manque : vous pouvez compléter votre dossier jusqu'au %(date)s.")
            % {"date": _day(ineligible.call.closes_at)},
            reverse("volunteers:application", args=[ineligible.pk]),
            _("Voir ce qui manque"),
        )
    if placement is not None and placement.status in PLACEMENT_AWAITING:
        who = (
            placement.host.name
            if placement.waiting_for == Party.HOST and placement.host
            else (placement.contingent.partner.name)
        )
        return NextStep(
            _("Attendez la réponse de %(who)s") % {"who": who},
            _(
                "Elle doit répondre au plus tard le %(date)s ; nous vous écrirons dès qu'elle "
                "l'aura fait."
            )
            % {"date": _day(placement.deadline)}
            if placement.deadline
            else _("Nous vous écrirons dès qu'elle aura répondu."),
            reverse("volunteers:placement", args=[placement.pk]),
            _("Voir mon affectation"),
            done=True,
        )
    if placement is not None and placement.status in (
        PlacementStatus.CONFIRMED,
        PlacementStatus.DEPARTED,
        PlacementStatus.ARRIVED,
    ):
        return NextStep(
            _("Votre mission se prépare")
            if placement.status == PlacementStatus.CONFIRMED
            else _("Bonne mission !"),
            _("Votre page d'affectation donne les dates, vos contacts et ce qui vient ensuite."),
            reverse("volunteers:placement", args=[placement.pk]),
            _("Voir mon affectation"),
            done=True,
        )
    waiting = next((a for a in applications if a.status in WAITING), None)
    if waiting is not None:
        closes = waiting.call.closes_at
        return NextStep(
            _("Attendez la décision de l'ANVT"),
            _(
                "L'ANVT examine les candidatures après la clôture de l'appel, le %(date)s. "
                "Nous vous écrirons dès qu'une décision sera prise."
            )
            % {"date": _day(closes)}
            if closes > now
            else _(
                "L'ANVT examine les candidatures de l'appel « %(call)s ». Nous vous écrirons "
                "dès qu'une décision sera prise."
            )
            % {"call": waiting.call.title},
            reverse("volunteers:application", args=[waiting.pk]),
            _("Voir ma candidature"),
            done=True,
        )
    applied = {a.call_id for a in applications}
    call = Call.objects.open_at(now).exclude(pk__in=applied).order_by("closes_at").first()
    if call is not None:
        return NextStep(
            _("Candidatez à l'appel « %(call)s »") % {"call": call.title},
            _("Les candidatures sont ouvertes jusqu'au %(date)s.") % {"date": _day(call.closes_at)},
            reverse("missions:call", args=[call.pk]),
            _("Voir l'appel et candidater"),
        )
    return NextStep(
        _("Aucun appel ouvert pour le moment"),
        _("Votre dossier est prêt : nous vous écrirons dès qu'un appel ouvrira."),
        reverse("missions:catalogue"),
        _("Voir les missions"),
        done=True,
    )
