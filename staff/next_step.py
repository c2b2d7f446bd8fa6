"""The one thing a staff member should do now, at the top of the team's home: the first that
applies of a list ordered by urgency (placements past their deadline, departure-file pieces to
verify, applications reviewed and waiting for a decision, messages that failed; for a reviewer,
the applications left to review)."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anvt.http import NextStep
from missions import rules
from missions.enums import PLACEMENT_AWAITING, ApplicationStatus
from missions.models import Application, Call, Placement
from mobility.enums import ItemState
from mobility.models import MobilityItem
from notifications.models import Notification, State


def for_staff(user) -> NextStep:
    applications = reverse("staff:applications")
    if rules.is_programme_manager(user):
        late = Placement.objects.filter(
            status__in=PLACEMENT_AWAITING, deadline__lt=timezone.now()
        ).order_by("deadline")
        first = late.first()
        if first is not None:
            count = late.count()
            return NextStep(
                ngettext(
                    "%(count)s affectation sans réponse après sa date limite",
                    "%(count)s affectations sans réponse après leur date limite",
                    count,
                )
                % {"count": count},
                _("Prolongez le délai ou retirez la proposition : le ou la volontaire attend."),
                reverse("staff:placement", args=[first.pk]),
                _("Voir la plus ancienne"),
            )
        to_verify = MobilityItem.objects.filter(state=ItemState.SUBMITTED).order_by("due_date")
        first = to_verify.first()
        if first is not None:
            count = to_verify.count()
            return NextStep(
                ngettext(
                    "%(count)s pièce de dossier de départ à vérifier",
                    "%(count)s pièces de dossiers de départ à vérifier",
                    count,
                )
                % {"count": count},
                _("Vérifiez-les ou refusez-les avec un motif : le départ en dépend."),
                reverse("staff:mobility", args=[first.placement_id]),
                _("Vérifier la plus urgente"),
            )
        reviewed = Application.objects.filter(
            status=ApplicationStatus.UNDER_REVIEW, review_count__gte=F("call__min_reviews")
        ).count()
        if reviewed:
            return NextStep(
                ngettext(
                    "%(count)s candidature évaluée attend votre décision",
                    "%(count)s candidatures évaluées attendent votre décision",
                    reviewed,
                )
                % {"count": reviewed},
                _(
                    "Elles ont le nombre d'évaluations demandé : présélectionnez, mettez en "
                    "attente ou refusez."
                ),
                f"{applications}?status={ApplicationStatus.UNDER_REVIEW}&sort=-score",
                _("Voir les candidatures évaluées"),
            )
        failed = Notification.objects.filter(state=State.FAILED).count()
        if failed:
            return NextStep(
                ngettext(
                    "%(count)s message n'a pas pu être envoyé",
                    "%(count)s messages n'ont pas pu être envoyés",
                    failed,
                )
                % {"count": failed},
                _("Lisez l'erreur, corrigez l'adresse si besoin, puis renvoyez-les."),
                f"{reverse('staff:outbox')}?state={State.FAILED}",
                _("Voir les envois en échec"),
            )
    else:
        calls = Call.objects.reviewed_by(user)
        to_review = (
            Application.objects.visible_to(user)
            .filter(
                call__in=calls,
                status__in=(ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW),
            )
            .exclude(reviews__reviewer=user)
            .count()
        )
        if to_review:
            return NextStep(
                ngettext(
                    "%(count)s candidature à évaluer",
                    "%(count)s candidatures à évaluer",
                    to_review,
                )
                % {"count": to_review},
                _(
                    "Les candidatures éligibles des appels qui vous sont confiés, que vous n'avez "
                    "pas encore notées."
                ),
                f"{applications}?eligible=yes",
                _("Évaluer"),
            )
    return NextStep(
        _("Rien d'urgent"),
        _("Aucune affectation en retard, aucune pièce à vérifier, aucun envoi en échec."),
        applications,
        _("Voir les candidatures"),
        done=True,
    )
