"""The one thing a partner should do now, at the top of its home: from its agenda
(missions.queries.partner_agenda), the most urgent answer, then a report due, then an incoming
volunteer to update."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anvt.http import NextStep
from missions.enums import IncomingStatus


def _name(volunteer) -> str:
    """The volunteer as partners read her (her profile's names), never her e-mail address."""
    profile = getattr(volunteer, "volunteer_profile", None)
    if profile is not None and profile.last_name:
        return f"{profile.first_name} {profile.last_name.upper()}"
    return volunteer.name or _("le ou la volontaire")


def for_partner(agenda, *, coordinator: bool) -> NextStep:
    """A viewer reads the same agenda as a state: only coordinators answer, report and
    declare."""
    if not coordinator:
        return _for_viewer(agenda)
    if agenda.to_confirm:
        dated = [p for p, _days in agenda.to_confirm if p.deadline]
        first = min(dated, key=lambda p: p.deadline) if dated else agenda.to_confirm[0][0]
        count = len(agenda.to_confirm)
        detail = (
            _("La plus urgente : %(name)s, avant le %(date)s.")
            % {
                "name": _name(first.volunteer),
                "date": formats.date_format(
                    timezone.localtime(first.deadline), "SHORT_DATETIME_FORMAT"
                ),
            }
            if first.deadline
            else _("La plus ancienne : %(name)s.") % {"name": _name(first.volunteer)}
        )
        return NextStep(
            ngettext(
                "Confirmez ou refusez %(count)s affectation",
                "Confirmez ou refusez %(count)s affectations",
                count,
            )
            % {"count": count},
            detail,
            reverse("partners:placement", args=[first.pk]),
            _("Répondre"),
        )
    if agenda.reports_due:
        placement, kind = agenda.reports_due[0]
        title = (
            _("Déposez le rapport à mi-parcours de %(name)s")
            if kind == "midterm"
            else _("Déposez le rapport de fin de mission de %(name)s")
        )
        return NextStep(
            title % {"name": _name(placement.volunteer)},
            _("L'ANVT le lit pour suivre la mission et préparer le retour."),
            reverse("partners:placement", args=[placement.pk]) + f"#report-{kind}",
            _("Déposer le rapport"),
        )
    if agenda.incoming_todo:
        item = agenda.incoming_todo[0]
        title = (
            _("Enregistrez l'arrivée de %(name)s")
            if item.status == IncomingStatus.VALIDATED
            else _("Enregistrez la fin de mission de %(name)s")
        )
        return NextStep(
            title % {"name": f"{item.first_name} {item.last_name.upper()}"},
            _("L'ANVT suit chaque volontaire accueilli·e au Togo."),
            reverse("partners:incoming") + f"#incoming-{item.pk}",
            _("Mettre à jour"),
        )
    return NextStep(
        _("Rien à faire pour le moment"),
        _("Nous vous écrirons dès que l'ANVT vous proposera des volontaires."),
        reverse("partners:incoming"),
        _("Déclarer un·e volontaire accueilli·e"),
        done=True,
    )


def _for_viewer(agenda) -> NextStep:
    waiting = len(agenda.to_confirm)
    if waiting:
        return NextStep(
            ngettext(
                "%(count)s affectation attend la réponse de votre coordination",
                "%(count)s affectations attendent la réponse de votre coordination",
                waiting,
            )
            % {"count": waiting},
            _("Seul·e·s les coordinateur·rice·s de votre organisation confirment ou refusent."),
            reverse("partners:placement", args=[agenda.to_confirm[0][0].pk]),
            _("Voir l'affectation"),
            done=True,
        )
    return NextStep(
        _("Rien en attente pour le moment"),
        _("Vous suivez les contingents et les affectations de votre organisation."),
        reverse("partners:home") + "#placements",
        _("Voir les affectations"),
        done=True,
    )
