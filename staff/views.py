"""The ANVT staff back office. Views are thin: access helper, form, service, redirect."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Prefetch, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, staff_required
from accounts.roles import roles_of
from alumni import certificates
from alumni.models import Certificate
from anvt import public_cache
from anvt.http import act, csv_response, pdf_response, valid
from audit.services import record_access
from missions import rules, services
from missions.checking import start_batch
from missions.enums import (
    APPLICATION_REVIEWABLE,
    ApplicationStatus,
    IncomingStatus,
    MissionStatus,
    PlacementStatus,
)
from missions.forms import CorrectionForm, MissionForm, MissionLanguageFormSet
from missions.models import (
    Application,
    Call,
    Contingent,
    EligibilityBatch,
    IncomingVolunteer,
    Mission,
    grid_of,
)
from missions.placements import may_correct
from missions.queries import (
    age_at_reference,
    application_export,
    application_reviews,
    application_timeline,
    contingent_candidates,
    contingent_roster_rows,
    document_access_log,
    placement_chain,
    placement_history,
    report_lines,
    volunteer_name,
)
from missions.workflow import WorkflowError, can_transition
from mobility import services as mobility_services
from mobility.forms import DepartureForm
from notifications.models import Notification
from notifications.services import retry_failed
from staff import dashboard as figures
from staff import next_step
from staff.access import (
    get_application_for_staff,
    get_batch_for_manager,
    get_call_for_manager,
    get_contingent_for_manager,
    get_document_for_staff,
    get_experience_for_staff,
    get_incoming_for_manager,
    get_mission_for_manager,
    get_placement_for_manager,
)
from staff.filters import ApplicationFilter, OutboxFilter
from staff.forms import (
    CallForm,
    CommentForm,
    ContingentAddForm,
    ContingentForm,
    DateForm,
    ExtendForm,
    IncomingValidateForm,
    OutboxRetryForm,
    ReasonForm,
    ReviewForm,
    ShortlistForm,
)
from volunteers import reading

PAGE_SIZE = 25
A = ApplicationStatus


@staff_required
def home(request):
    return render(
        request,
        "staff/home.html",
        {"next_step": next_step.for_staff(request.user), "section": "home"},
    )


# Applications ------------------------------------------------------------------------------------


def _filtered_applications(request):
    calls = Call.objects.reviewed_by(request.user)
    base = Application.objects.visible_to(request.user).exclude(status=A.DRAFT)
    return ApplicationFilter(request.GET, queryset=base, calls=calls, request=request)


@staff_required
def applications(request):
    filterset = _filtered_applications(request)
    rows = filterset.qs.select_related(
        "call", "volunteer", "volunteer__volunteer_profile", "eligibility_report"
    ).only(
        "id",
        "status",
        "submitted_at",
        "review_score",
        "review_count",
        "call__title",
        "volunteer__email",
        "volunteer__volunteer_profile__first_name",
        "volunteer__volunteer_profile__last_name",
        "volunteer__volunteer_profile__gender",
        "volunteer__volunteer_profile__region",
        "volunteer__volunteer_profile__birth_date",
        "eligibility_report__eligible",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/applications.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "section": "applications",
            "public_stamp": public_cache.stamp(),
            # A reviewer made a manager (or back) sees the calls of her new role at once.
            "roles": ",".join(sorted(roles_of(request.user))),
        },
    )


@staff_required
def applications_export(request):
    """The filtered list as CSV, streamed row by row from the database."""
    filterset = _filtered_applications(request)
    record_access(request.user, action="export", subject=Application)
    header, rows = application_export(filterset.qs)
    return csv_response("candidatures.csv", header, rows)


@manager_required
def contingent_roster(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    header, rows = contingent_roster_rows(contingent)
    return csv_response(f"contingent-{contingent.pk}.csv", header, rows)


# The staff's decisions on an application, in the order the page offers them: (URL name's
# suffix, the status it leads to). Each has its own URL and view below.
DECISIONS = [
    ("start_review", A.UNDER_REVIEW),
    ("shortlist", A.SHORTLISTED),
    ("waitlist", A.WAITLISTED),
    ("reject", A.REJECTED),
    ("return", A.RETURNED_FOR_CORRECTION),
]


@staff_required
def application_detail(request, pk: int):
    application = get_application_for_staff(request.user, pk)
    volunteer = application.volunteer
    profile = getattr(volunteer, "volunteer_profile", None)
    report_row = getattr(application, "eligibility_report", None)
    report = report_row.report if report_row else None
    reviews = application_reviews(application, request.user)
    documents = list(volunteer.documents.all())
    return render(
        request,
        "staff/application_detail.html",
        {
            "section": "applications",
            "application": application,
            "profile": profile,
            "age": age_at_reference(application),
            "languages": profile.languages.all() if profile else [],
            "report": report,
            "report_row": report_row,
            "report_lines": report_lines(report, about=volunteer_name(application)),
            "choices": application.choices.select_related("mission"),
            "experiences": volunteer.experiences.select_related("verified_by"),
            "documents": documents,
            "timeline": application_timeline(application, with_actor=True),
            "reviews": reviews,
            "review_form": ReviewForm(grid=grid_of(application.call), review=reviews.own),
            "reviewable": application.status in APPLICATION_REVIEWABLE,
            "actions": [
                name
                for name, target in DECISIONS
                if can_transition(application, target, actor=request.user)
            ],
            "reason_form": ReasonForm(),
            "can_verify": rules.can_verify(request.user),
            "access_log": document_access_log(documents),
        },
    )


@staff_required
@require_POST
def application_review(request, pk: int):
    application = get_application_for_staff(request.user, pk)
    form = ReviewForm(request.POST, grid=grid_of(application.call))
    if not form.is_valid():
        messages.error(
            request,
            _(
                "La note n'est pas enregistrée : notez chaque critère de la grille, "
                "dans ses limites."
            ),
        )
        return redirect("staff:application", pk)
    act(
        request,
        lambda: services.submit_review(
            application,
            reviewer=request.user,
            scores=form.marks(),
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
        ),
        _("Évaluation enregistrée."),
    )
    return redirect("staff:application", pk)


def _decision(service, *, needs_reason: bool):
    """The view of one decision on an application: `service(application, actor, [reason])`."""

    @staff_required
    @require_POST
    def view(request, pk: int):
        application = get_application_for_staff(request.user, pk)

        def decide():
            if not needs_reason:
                return service(application, actor=request.user)
            reason = valid(ReasonForm(request.POST), _("Indiquez le motif."))["reason"]
            return service(application, actor=request.user, reason=reason)

        act(
            request,
            decide,
            lambda: _("Statut : %(status)s.") % {"status": application.get_status_display()},
        )
        return redirect("staff:application", pk)

    return view


application_start_review = _decision(services.start_review, needs_reason=False)


@staff_required
@require_POST
def application_shortlist(request, pk: int):
    """Shortlist; before the call's minimum number of reviews, with the manager's reason."""
    application = get_application_for_staff(request.user, pk)
    form = ShortlistForm(request.POST)
    act(
        request,
        lambda: services.shortlist(
            application,
            actor=request.user,
            reason=valid(form, _("Le motif est trop long."))["reason"],
        ),
        lambda: _("Statut : %(status)s.") % {"status": application.get_status_display()},
    )
    return redirect("staff:application", pk)


application_waitlist = _decision(services.waitlist, needs_reason=False)
application_reject = _decision(services.reject, needs_reason=True)
application_return = _decision(services.return_for_correction, needs_reason=True)


def _verification(get_item, *, kind: str, verified: bool):
    """The view that verifies (or, with a reason, rejects) an experience or a document."""

    @staff_required
    @require_POST
    def view(request, pk: int, item_pk: int):
        _application, item = get_item(request.user, pk, item_pk)

        def decide():
            reason = ""
            if not verified:
                reason = valid(ReasonForm(request.POST), _("Indiquez le motif du rejet."))["reason"]
            services.set_verification(item, actor=request.user, verified=verified, reason=reason)

        act(request, decide, _("Vérifié.") if verified else _("Rejeté, avec son motif."))
        return redirect(reverse("staff:application", args=[pk]) + f"#{kind}-{item_pk}")

    return view


experience_verify = _verification(get_experience_for_staff, kind="experience", verified=True)
experience_reject = _verification(get_experience_for_staff, kind="experience", verified=False)
document_verify = _verification(get_document_for_staff, kind="document", verified=True)
document_reject = _verification(get_document_for_staff, kind="document", verified=False)


@staff_required
def document_download(request, pk: int, document_pk: int):
    _application, document = get_document_for_staff(request.user, pk, document_pk)
    return reading.download(document, reader=request.user)


@staff_required
def document_preview(request, pk: int, document_pk: int):
    _application, document = get_document_for_staff(request.user, pk, document_pk)
    return reading.preview(document, reader=request.user)


# Calls and missions ------------------------------------------------------------------------------


@manager_required
def calls(request):
    rows = Call.objects.order_by("-closes_at").prefetch_related(
        Prefetch("eligibility_batches", queryset=EligibilityBatch.objects.order_by("-created_at"))
    )
    return render(request, "staff/calls.html", {"calls": rows, "section": "calls"})


@manager_required
def call_form(request, pk: int | None = None):
    call = get_call_for_manager(request.user, pk) if pk else None
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        _saved, batch = services.save_call(call, actor=request.user, values=form.cleaned_data)
        if batch:
            messages.info(
                request, _("Les règles ont changé : toutes les candidatures sont revérifiées.")
            )
            return redirect("staff:batch", batch.pk)
        messages.success(request, _("Appel enregistré."))
        return redirect("staff:calls")
    return render(request, "staff/call_form.html", {"form": form, "call": call, "section": "calls"})


@manager_required
@require_POST
def call_recheck(request, pk: int):
    call = get_call_for_manager(request.user, pk)
    batch = start_batch(call, requested_by=request.user)
    return redirect("staff:batch", batch.pk)


@manager_required
def batch(request, pk: int):
    run = get_batch_for_manager(request.user, pk)
    if request.headers.get("accept") == "application/json":
        return JsonResponse(
            {"status": run.status, "done": run.done, "total": run.total, "changed": run.changed}
        )
    return render(request, "staff/batch.html", {"batch": run, "section": "calls"})


@manager_required
def missions(request):
    status = request.GET.get("status") or ""
    rows = Mission.objects.select_related("partner", "theme").order_by("status", "start_date")
    if status in MissionStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "staff/missions.html",
        {
            "missions": rows,
            "status": status,
            "statuses": MissionStatus.choices,
            "section": "missions",
        },
    )


@manager_required
def mission_form(request, pk: int | None = None):
    mission = get_mission_for_manager(request.user, pk) if pk else None
    form = MissionForm(request.POST or None, instance=mission)
    languages = MissionLanguageFormSet(request.POST or None, instance=mission, prefix="languages")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        services.save_mission(
            mission, actor=request.user, values=form.cleaned_data, languages=languages.chosen()
        )
        messages.success(request, _("Mission enregistrée."))
        return redirect("staff:missions")
    return render(
        request,
        "staff/mission_form.html",
        {"form": form, "languages": languages, "mission": mission, "section": "missions"},
    )


def _mission_move(service, *, needs_comment: bool = False):
    """The view of one move of a mission: `service(mission, actor, [comment])`."""

    @manager_required
    @require_POST
    def view(request, pk: int):
        mission = get_mission_for_manager(request.user, pk)

        def move():
            if not needs_comment:
                return service(mission, actor=request.user)
            form = CommentForm(request.POST)
            comment = valid(form, _("Expliquez au partenaire ce qu'il faut revoir."))["comment"]
            return service(mission, actor=request.user, comment=comment)

        act(
            request,
            move,
            lambda: _("Mission : %(status)s.") % {"status": mission.get_status_display()},
        )
        return redirect("staff:missions")

    return view


mission_publish = _mission_move(services.publish_mission)
mission_return = _mission_move(services.return_mission, needs_comment=True)
mission_close = _mission_move(services.close_mission)


# Contingents -------------------------------------------------------------------------------------


@manager_required
def contingents(request):
    rows = Contingent.objects.select_related("call", "partner").order_by("-created_at")
    form = ContingentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contingent = services.create_contingent(actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            return redirect("staff:contingent", contingent.pk)
    return render(
        request,
        "staff/contingents.html",
        {"contingents": rows, "form": form, "section": "contingents"},
    )


@manager_required
def contingent_detail(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    placements = contingent.placements.select_related(
        "volunteer", "volunteer__volunteer_profile", "mission", "host"
    ).order_by("created_at")
    return render(
        request,
        "staff/contingent_detail.html",
        {
            "contingent": contingent,
            "placements": placements,
            "candidates": contingent_candidates(contingent),
            "date_form": DateForm(initial={"on": timezone.localdate()}),
            "section": "contingents",
            "statuses": PlacementStatus,
        },
    )


@manager_required
@require_POST
def contingent_add(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    form = ContingentAddForm(request.POST, contingent=contingent)
    if not form.is_valid():
        messages.error(request, _("Choisissez une candidature et une de ses missions."))
        return redirect("staff:contingent", pk)
    act(
        request,
        lambda: services.add_to_contingent(contingent, actor=request.user, **form.cleaned_data),
        _("Volontaire ajouté·e au contingent."),
    )
    return redirect("staff:contingent", pk)


@manager_required
@require_POST
def contingent_send(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    act(
        request,
        lambda: services.send_contingent(contingent, actor=request.user),
        _("Contingent envoyé au partenaire."),
    )
    return redirect("staff:contingent", pk)


@manager_required
@require_POST
def placement_remove(request, pk: int):
    placement = get_placement_for_manager(request.user, pk)
    act(
        request,
        lambda: services.remove_from_contingent(placement, actor=request.user),
        _("Enregistré."),
    )
    return redirect("staff:contingent", placement.contingent_id)


@manager_required
def placement_detail(request, pk: int):
    """One placement as the managers follow it: the chain of confirmations and its deadline,
    everything that happened (reminders and escalations too), the dates and their corrections."""
    placement = get_placement_for_manager(request.user, pk)
    return render(
        request,
        "staff/placement.html",
        {
            "placement": placement,
            "profile": getattr(placement.volunteer, "volunteer_profile", None),
            "chain": placement_chain(placement),
            "history": placement_history(placement),
            "extend_form": ExtendForm(),
            "reason_form": ReasonForm(),
            "date_form": DateForm(initial={"on": timezone.localdate()}),
            "correctable": [
                event
                for event in ("departure", "arrival", "return")
                if may_correct(placement, event, request.user)
            ],
            "correction_form": CorrectionForm(),
            "not_ready": mobility_services.not_ready(placement),
            "certificate": Certificate.objects.filter(placement=placement).first(),
            "section": "contingents",
        },
    )


@manager_required
def placement_certificate(request, pk: int):
    placement = get_placement_for_manager(request.user, pk)
    certificate = Certificate.objects.filter(placement=placement).first()
    if certificate is None:
        raise Http404
    return pdf_response(*certificates.download(certificate, request.GET.get("langue", "")))


@manager_required
@require_POST
def certificate_revoke(request, pk: int):
    placement = get_placement_for_manager(request.user, pk)
    certificate = Certificate.objects.filter(placement=placement).first()
    if certificate is None:
        raise Http404
    form = ReasonForm(request.POST)
    act(
        request,
        lambda: certificates.revoke(
            certificate,
            actor=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        ),
        _("Certificat révoqué : la page de vérification le dit désormais."),
    )
    return redirect("staff:placement", pk)


def _placement_action(action, success):
    """The view of one manager's action on a placement: `action(request, placement)`."""

    @manager_required
    @require_POST
    def view(request, pk: int):
        placement = get_placement_for_manager(request.user, pk)
        act(request, lambda: action(request, placement), success)
        return redirect("staff:placement", pk)

    return view


def _dated(record):
    def action(request, placement):
        on = valid(DateForm(request.POST), _("Indiquez une date valide."))["on"]
        record(placement, actor=request.user, on=on)

    return action


# The departure waits for a complete mobility file, or a reason to leave without it.
placement_departure = _placement_action(
    lambda request, placement: mobility_services.depart(
        placement,
        actor=request.user,
        **valid(DepartureForm(request.POST), _("Indiquez une date valide.")),
    ),
    _("Enregistré."),
)
placement_arrival = _placement_action(_dated(services.record_arrival), _("Enregistré."))
placement_return = _placement_action(_dated(services.record_return), _("Enregistré."))
placement_extend = _placement_action(
    lambda request, placement: services.extend_deadline(
        placement,
        actor=request.user,
        days=valid(ExtendForm(request.POST), _("Prolongez de 1 à 60 jours."))["days"],
    ),
    _("Délai prolongé ; la partie concernée est prévenue."),
)
placement_withdraw = _placement_action(
    lambda request, placement: services.withdraw_proposal(
        placement,
        actor=request.user,
        reason=valid(ReasonForm(request.POST), _("Indiquez le motif."))["reason"],
    ),
    _("Proposition retirée ; le ou la volontaire est de nouveau présélectionné·e et prévenu·e."),
)
placement_correct = _placement_action(
    lambda request, placement: services.correct_date(
        placement,
        actor=request.user,
        **valid(
            CorrectionForm(request.POST), _("Indiquez la date exacte et le motif de la correction.")
        ),
    ),
    _("Date corrigée ; le ou la volontaire et le partenaire sont prévenu·e·s."),
)


# Dashboard ---------------------------------------------------------------------------------------


@manager_required
def dashboard(request):
    data = figures.figures()
    return render(
        request,
        "staff/dashboard.html",
        {
            **data,
            "gender_height": max(len(data["gender"]), 1) * figures.BAR_HEIGHT,
            "region_height": max(len(data["region"]), 1) * figures.BAR_HEIGHT,
            "section": "dashboard",
        },
    )


# Incoming volunteers -----------------------------------------------------------------------------


@manager_required
def incoming(request):
    """Every declaration; those at a host ANVT has not verified (or no longer) first, flagged,
    or only them with ?signalees=1."""
    waiting_first = Case(
        When(status=IncomingStatus.DECLARED, then=0),
        When(status=IncomingStatus.VALIDATED, then=1),
        When(status=IncomingStatus.ARRIVED, then=2),
        default=3,
    )
    rows = (
        IncomingVolunteer.objects.with_host_check()
        .select_related("partner", "theme", "host_structure")
        .order_by(waiting_first, "-arrival_date")
    )
    flagged_only = request.GET.get("signalees") == "1"
    flagged = IncomingVolunteer.objects.flagged().values_list("pk", flat=True)
    if flagged_only:
        rows = rows.filter(pk__in=flagged)
    return render(
        request,
        "staff/incoming.html",
        {
            "rows": rows,
            "flagged_count": len(flagged),
            "flagged_only": flagged_only,
            "validate_form": IncomingValidateForm(),
            "section": "incoming",
        },
    )


@manager_required
@require_POST
def incoming_validate(request, pk: int):
    item = get_incoming_for_manager(request.user, pk)
    form = IncomingValidateForm(request.POST)

    def validate():
        values = valid(form, _("Le motif est trop long."))
        services.validate_incoming(item, actor=request.user, reason=values["reason"])

    act(request, validate, _("Déclaration validée."))
    return redirect("staff:incoming")


# Outbox ------------------------------------------------------------------------------------------


@manager_required
def outbox(request):
    filterset = OutboxFilter(request.GET, queryset=Notification.objects.select_related("user"))
    rows = filterset.qs.order_by("-created_at", "-pk").only(
        "id",
        "event",
        "channel",
        "state",
        "subject",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "to_address",
        "to_number",
        "language",
        "user__email",
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/outbox.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "section": "outbox"},
    )


@manager_required
@require_POST
def outbox_retry(request):
    """Retry one failed message, or every failed message the current filters select."""
    form = OutboxRetryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce message n'existe pas : rien n'est renvoyé."))
        return redirect("staff:outbox")
    if form.cleaned_data["notification"]:
        queryset = Notification.objects.filter(pk=form.cleaned_data["notification"].pk)
    else:
        filterset = OutboxFilter(request.POST, queryset=Notification.objects.all())
        if not filterset.is_valid():
            messages.error(request, _("Ces filtres ne sont pas valables : rien n'est renvoyé."))
            return redirect("staff:outbox")
        queryset = filterset.qs
    count = retry_failed(queryset)
    messages.success(request, _("%(count)s message(s) renvoyé(s).") % {"count": count})
    return redirect(f"{reverse('staff:outbox')}?{form.cleaned_data['query']}")
