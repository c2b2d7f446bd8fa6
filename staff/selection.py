"""The selection committee's pages: the call's grid and balance targets, the sessions, and the
member's pages (declarations, files, marks), shared by staff members (signed in) and members
from outside (their signed link: staff/committee_link.py)."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, staff_required
from anvt.errors import Refused
from anvt.http import act, private_file_response
from audit.services import record_access
from missions import rules
from missions import services as mission_services
from missions.models import Criterion, grid_of
from missions.queries import age_at_reference, experience_total, report_lines, volunteer_name
from selection import queries, services
from selection.enums import Dimension
from selection.models import BalanceTarget, CommitteeMember, CommitteeSession, Mark
from staff.access import get_call_for_manager
from staff.forms import (
    AttendanceForm,
    DecisionForm,
    DeclarationForm,
    ExternalMemberForm,
    GridFormSet,
    MarksForm,
    SessionForm,
    TargetsForm,
)


def get_session_for_staff(user, pk: int) -> CommitteeSession:
    return get_object_or_404(
        CommitteeSession.objects.visible_to(user).select_related("call", "contingent"), pk=pk
    )


def _application(session: CommitteeSession, pk: int):
    return get_object_or_404(
        session.applications.select_related(
            "call", "volunteer", "volunteer__volunteer_profile", "eligibility_report"
        ),
        pk=pk,
    )


# The call's grid and targets ---------------------------------------------------------------------


@manager_required
def call_grid(request, pk: int):
    call = get_call_for_manager(request.user, pk)
    locked = mission_services.grid_is_locked(call)
    initial = [
        {
            "key": c.key,
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "max_score": c.max_score,
        }
        for c in grid_of(call)
    ]
    formset = GridFormSet(request.POST or None, initial=initial, prefix="grid")
    if request.method == "POST":
        if not formset.is_valid():
            messages.error(
                request, _("La grille n'est pas enregistrée : corrigez les lignes en rouge.")
            )
        elif act(
            request,
            lambda: mission_services.save_grid(call, actor=request.user, rows=formset.rows()),
            _("Grille enregistrée."),
        ):
            return redirect("staff:call_grid", pk)
    return render(
        request,
        "staff/call_grid.html",
        {
            "call": call,
            "formset": formset,
            "locked": locked,
            "grid": grid_of(call),
            "written": Criterion.objects.filter(call=call).exists(),
            "section": "calls",
        },
    )


@manager_required
def call_targets(request, pk: int):
    call = get_call_for_manager(request.user, pk)
    dimensions = [
        (dimension, title, queries.value_labels(dimension))
        for dimension, title in Dimension.choices
    ]
    targets = {(t.dimension, t.value): t.share for t in BalanceTarget.objects.filter(call=call)}
    form = TargetsForm(request.POST or None, dimensions=dimensions, targets=targets)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Une part visée va de 0 à 100 %."))
        elif act(
            request,
            lambda: services.set_targets(call, actor=request.user, targets=form.targets()),
            _("Objectifs d'équilibre enregistrés."),
        ):
            return redirect("staff:call_targets", pk)
    return render(
        request, "staff/call_targets.html", {"call": call, "form": form, "section": "calls"}
    )


# Sessions ----------------------------------------------------------------------------------------


@staff_required
def committees(request):
    sessions = (
        CommitteeSession.objects.visible_to(request.user)
        .select_related("call", "contingent")
        .order_by("-held_at", "-pk")
    )
    return render(request, "staff/committees.html", {"sessions": sessions, "section": "committees"})


@manager_required
def committee_create(request):
    form = SessionForm(request.POST or None, initial={"call": request.GET.get("call"), "quorum": 3})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = []
        if act(
            request,
            lambda: created.append(
                services.create_session(
                    actor=request.user,
                    call=data["call"],
                    contingent=data["contingent"],
                    title=data["title"],
                    held_at=data["held_at"],
                    place=data["place"],
                    quorum=data["quorum"],
                    staff=list(data["staff"]),
                    chair=data["chair"],
                )
            ),
            _("Séance ouverte : ses membres de l'ANVT sont prévenu·e·s."),
        ):
            return redirect("staff:committee", created[0].pk)
    return render(request, "staff/committee_form.html", {"form": form, "section": "committees"})


@staff_required
def committee(request, pk: int):
    session = get_session_for_staff(request.user, pk)
    seat = session.members.select_related("session__call").filter(user=request.user).first()
    return session_page(
        request,
        session,
        seat=_staff_seat(seat) if seat else None,
        manages=rules.is_programme_manager(request.user),
    )


def session_page(request, session, *, seat, manages: bool):
    rows = queries.board(session, viewer=seat.member if seat and not manages else None)
    members = list(session.members.all())
    context = {
        "session": session,
        "rows": rows,
        "members": members,
        "panel": queries.balance(session, rows),
        "seat": seat,
        "manages": manages,
        "grid": grid_of(session.call),
        "quorum_met": sum(m.present for m in members) >= session.quorum,
        "present": sum(m.present for m in members),
        "section": "committees",
    }
    if seat is not None:
        context["seat_rows"] = seat.rows(rows)
    if manages and session.is_open:
        context |= {
            "member_form": ExternalMemberForm(),
            "attendance_form": AttendanceForm(members=members),
            "undecided": sum(1 for row in rows if row.decision is None),
        }
        for row in rows:
            decision = row.decision
            row.decision_form = DecisionForm(
                auto_id=f"d{row.application.pk}-%s",
                initial={
                    "outcome": decision.outcome,
                    "rank": decision.rank,
                    "reason": decision.reason,
                    "comment": decision.comment,
                }
                if decision
                else None,
            )
    return render(request, "staff/committee.html", context | _base(seat))


def _base(seat) -> dict:
    """Signed-in pages carry the staff menu; an outside member's pages none."""
    internal = seat is None or seat.internal
    return {"base_template": "staff/base.html" if internal else "staff/committee_outside.html"}


def _session_action(service, success: str):
    """A manager's POST on an open session: `service(session, request, form data)`."""

    @manager_required
    @require_POST
    def view(request, pk: int, application_pk: int | None = None):
        session = get_session_for_staff(request.user, pk)
        application = _application(session, application_pk) if application_pk else None
        act(request, lambda: service(session, request, application), success)
        return redirect(reverse("staff:committee", args=[pk]) + ("#board" if application else ""))

    return view


def _add_member(session, request, _application):
    form = ExternalMemberForm(request.POST)
    if not form.is_valid():
        raise Refused(_("Indiquez le nom et une adresse e-mail valable du membre extérieur."))
    services.add_external_member(session, actor=request.user, **form.cleaned_data)


def _attendance(session, request, _application):
    form = AttendanceForm(request.POST, members=list(session.members.all()))
    if not form.is_valid():
        raise Refused(_("Cochez les membres présent·e·s dans la liste."))
    services.set_attendance(session, actor=request.user, present=set(form.cleaned_data["present"]))


def _decide(session, request, application):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise Refused(_("Choisissez une décision et son motif dans les listes."))
    services.decide(session, application, actor=request.user, **form.cleaned_data)


committee_member_add = _session_action(_add_member, _("Membre invité·e : son lien est envoyé."))
committee_attendance = _session_action(_attendance, _("Présences enregistrées."))
committee_decide = _session_action(_decide, _("Décision enregistrée."))
committee_clear = _session_action(
    lambda session, request, application: services.clear_decision(
        session, application, actor=request.user
    ),
    _("Décision effacée."),
)
committee_remove = _session_action(
    lambda session, request, application: services.remove_application(
        session, application, actor=request.user
    ),
    _("Candidature retirée de la séance."),
)


@manager_required
@require_POST
def committee_close(request, pk: int):
    session = get_session_for_staff(request.user, pk)
    act(
        request,
        lambda: services.close_session(session, actor=request.user),
        _("Séance close : les décisions sont appliquées et le procès-verbal est enregistré."),
    )
    return redirect("staff:committee", pk)


@staff_required
def committee_minutes(request, pk: int):
    session = get_session_for_staff(request.user, pk)
    if not session.minutes:
        raise Http404
    record_access(request.user, action="download", subject=session)
    return private_file_response(
        session.minutes, f"proces-verbal-comite-{session.pk}.pdf", "application/pdf"
    )


# The member's pages ------------------------------------------------------------------------------


@dataclass
class Seat:
    """A member and the addresses of their pages (under /equipe/ when signed in, under their
    link otherwise)."""

    member: CommitteeMember
    internal: bool
    home: str
    declarations: str
    file_name: str
    mark_name: str
    prefix: tuple

    def file(self, application_pk: int) -> str:
        return reverse(self.file_name, args=[*self.prefix, application_pk])

    def mark(self, application_pk: int) -> str:
        return reverse(self.mark_name, args=[*self.prefix, application_pk])

    def rows(self, rows):
        """Per applicant, what this member has done: declared? conflict? marked?"""
        out = []
        for row in rows:
            cell = next(c for c in row.cells if c.member.pk == self.member.pk)
            out.append((row, cell, self.file(row.application.pk)))
        return out


def _staff_seat(member: CommitteeMember) -> Seat:
    session = member.session_id
    return Seat(
        member=member,
        internal=True,
        home=reverse("staff:committee", args=[session]),
        declarations=reverse("staff:committee_declarations", args=[session]),
        file_name="staff:committee_file",
        mark_name="staff:committee_mark",
        prefix=(session,),
    )


def external_seat(member: CommitteeMember, token: str) -> Seat:
    return Seat(
        member=member,
        internal=False,
        home=reverse("committee:home", args=[token]),
        declarations=reverse("committee:declarations", args=[token]),
        file_name="committee:file",
        mark_name="committee:mark",
        prefix=(token,),
    )


def _staff_member(request, pk: int) -> tuple[CommitteeSession, CommitteeMember]:
    session = get_session_for_staff(request.user, pk)
    member = get_object_or_404(session.members.select_related("session__call"), user=request.user)
    return session, member


@staff_required
def committee_declarations(request, pk: int):
    _session, member = _staff_member(request, pk)
    return declarations_page(request, _staff_seat(member))


@staff_required
def committee_file(request, pk: int, application_pk: int):
    _session, member = _staff_member(request, pk)
    return file_page(request, _staff_seat(member), application_pk)


@staff_required
@require_POST
def committee_mark(request, pk: int, application_pk: int):
    _session, member = _staff_member(request, pk)
    return mark_action(request, _staff_seat(member), application_pk)


def declarations_page(request, seat: Seat):
    member, session = seat.member, seat.member.session
    rows = list(queries.applicants(session))
    made = {d.application_id: d for d in member.declarations.all()}
    # Nothing is ticked in advance: a member declares each applicant by a choice of their own.
    forms = [
        (
            application,
            made.get(application.pk),
            DeclarationForm(
                request.POST or None,
                prefix=f"a{application.pk}",
                initial={"conflict": "no"} if application.pk in made else None,
            ),
        )
        for application in rows
    ]
    if request.method == "POST" and session.is_open:
        answers, wrong, blank = [], [], 0
        for application, before, form in forms:
            if before is not None and before.conflict:
                continue  # a conflict stays; its row offers nothing to post
            if not form.data.get(f"{form.prefix}-conflict"):
                blank += before is None
                continue  # not answered yet
            if not form.is_valid():
                wrong.append(queries.full_name(application))
                continue
            data = form.cleaned_data
            answers.append((application, data["conflict"], data["kind"], data["detail"]))
        if wrong:
            messages.error(
                request,
                _("Rien n'est enregistré : vérifiez la déclaration de %(names)s.")
                % {"names": ", ".join(wrong)},
            )
            return redirect(seat.declarations)
        done = []
        if not act(
            request,
            lambda: done.append(services.declare_many(member, answers)),
            _("Déclarations enregistrées."),
        ):
            return redirect(seat.declarations)
        if blank:
            messages.warning(
                request,
                ngettext(
                    "%(count)s candidature attend encore votre déclaration.",
                    "%(count)s candidatures attendent encore votre déclaration.",
                    blank,
                )
                % {"count": blank},
            )
            return redirect(seat.declarations)
        return redirect(seat.home)
    return render(
        request,
        "staff/committee_declarations.html",
        {
            "seat": seat,
            "session": session,
            "forms": [(a, queries.full_name(a), before, form) for a, before, form in forms],
            "section": "committees",
        }
        | _base(seat),
    )


def file_page(request, seat: Seat, application_pk: int):
    member, session = seat.member, seat.member.session
    application = _application(session, application_pk)
    try:
        services.may_open(member, application)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect(seat.home)
    record_access(member.user, action=f"committee:{member.pk}", subject=application)
    own = Mark.objects.filter(member=member, application=application).first()
    volunteer = application.volunteer
    profile = getattr(volunteer, "volunteer_profile", None)
    report_row = getattr(application, "eligibility_report", None)
    report = report_row.report if report_row else None
    experiences = list(volunteer.experiences.all())
    return render(
        request,
        "staff/committee_file.html",
        {
            "seat": seat,
            "session": session,
            "application": application,
            "name": queries.full_name(application),
            "profile": profile,
            "age": age_at_reference(application),
            "languages": profile.languages.all() if profile else [],
            "choices": application.choices.select_related("mission", "mission__partner"),
            "experiences": experiences,
            "experience_total": experience_total(
                experiences,
                application.call.effective_reference_date,
                attested_only=application.call.require_attested_experience,
            )[1],
            "documents": volunteer.documents.all(),
            "report_lines": report_lines(report, about=volunteer_name(application)),
            "form": MarksForm(grid=grid_of(session.call), marks=own.scores if own else None),
            "own": own,
            "mark_url": seat.mark(application.pk),
            "section": "committees",
        }
        | _base(seat),
    )


def mark_action(request, seat: Seat, application_pk: int):
    member, session = seat.member, seat.member.session
    application = _application(session, application_pk)
    form = MarksForm(request.POST, grid=grid_of(session.call))
    if not form.is_valid():
        messages.error(
            request, _("La note n'est pas enregistrée : notez chaque critère, dans ses limites.")
        )
        return redirect(seat.file(application.pk))
    if act(
        request,
        lambda: services.mark(member, application, scores=form.marks()),
        _("Note enregistrée."),
    ):
        return redirect(seat.home)
    return redirect(seat.file(application.pk))
