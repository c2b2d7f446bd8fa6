"""The ANVT staff back office. Views are thin: access helper, form, service, redirect."""

import csv
from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from audit.models import AccessLog, StatusChange
from missions import eligibility, services
from missions.checking import start_batch
from missions.enums import ApplicationStatus, MissionStatus, PlacementStatus
from missions.forms import MissionForm, MissionLanguageFormSet
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Contingent,
    EligibilityBatch,
    IncomingVolunteer,
    Mission,
    Review,
)
from missions.rules import is_programme_manager
from missions.workflow import WorkflowError, can_transition
from notifications.models import Notification
from notifications.services import retry_failed
from staff import dashboard as figures
from staff.access import (
    calls_for_staff,
    get_application_for_staff,
    get_call_for_manager,
    get_contingent_for_manager,
    get_mission_for_manager,
    get_placement_for_manager,
    manager_required,
    staff_required,
)
from staff.filters import ApplicationFilter, OutboxFilter
from staff.forms import (
    CallForm,
    ContingentForm,
    DateForm,
    ReasonForm,
    ReviewForm,
)
from volunteers.models import Document, Experience
from volunteers.services import set_verification
from volunteers.uploads import private_file_response

PAGE_SIZE = 25
A = ApplicationStatus
REVIEWABLE = {A.ELIGIBLE, A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED}


@staff_required
def home(request):
    return redirect("staff:applications")


# Applications ------------------------------------------------------------------------------------


def _filtered_applications(request):
    calls = calls_for_staff(request.user)
    base = Application.objects.visible_to_staff(request.user).exclude(status=A.DRAFT)
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
        {"filter": filterset, "page": page, "query": query.urlencode(), "section": "applications"},
    )


class _Echo:
    def write(self, value):
        return value


def _csv_rows(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM lets Excel read the accents right
    for row in rows:
        yield writer.writerow(row)


def _csv_response(filename: str, header, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_rows(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def applications_export(request):
    """The filtered list as CSV, streamed row by row from the database."""
    filterset = _filtered_applications(request)
    labels = dict(ApplicationStatus.choices)
    rows = filterset.qs.values_list(
        "id",
        "call__title",
        "volunteer__volunteer_profile__last_name",
        "volunteer__volunteer_profile__first_name",
        "volunteer__email",
        "volunteer__volunteer_profile__gender",
        "volunteer__volunteer_profile__region",
        "volunteer__volunteer_profile__birth_date",
        "status",
        "eligibility_report__eligible",
        "review_score",
        "submitted_at",
    ).iterator(chunk_size=2000)
    AccessLog.objects.create(
        user=request.user,
        action="export",
        content_type=ContentType.objects.get_for_model(Application),
        object_id=0,
    )
    header = [
        _("N°"),
        _("Appel"),
        _("Nom"),
        _("Prénoms"),
        _("E-mail"),
        _("Genre"),
        _("Région"),
        _("Date de naissance"),
        _("Statut"),
        _("Éligible"),
        _("Note moyenne"),
        _("Envoyée le"),
    ]
    return _csv_response(
        "candidatures.csv",
        header,
        (
            (
                *row[:8],
                labels.get(row[8], row[8]),
                {True: _("oui"), False: _("non")}.get(row[9], ""),
                row[10] if row[10] is not None else "",
                timezone.localtime(row[11]).strftime("%Y-%m-%d %H:%M") if row[11] else "",
            )
            for row in rows
        ),
    )


TRANSITIONS = {
    "start_review": (A.UNDER_REVIEW, services.start_review, False),
    "shortlist": (A.SHORTLISTED, services.shortlist, False),
    "waitlist": (A.WAITLISTED, services.waitlist, False),
    "reject": (A.REJECTED, services.reject, True),
    "return": (A.RETURNED_FOR_CORRECTION, services.return_for_correction, True),
}


@staff_required
@csp_override({**settings.SECURE_CSP, "frame-src": [CSP.SELF]})
def application_detail(request, pk: int):
    application = get_application_for_staff(request.user, pk)
    volunteer = application.volunteer
    profile = getattr(volunteer, "volunteer_profile", None)
    report_row = getattr(application, "eligibility_report", None)
    report = report_row.report if report_row else None
    reviews = list(Review.objects.filter(application=application).select_related("reviewer"))
    own = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    documents = list(Document.objects.filter(volunteer=volunteer))
    document_type = ContentType.objects.get_for_model(Document)
    return render(
        request,
        "staff/application_detail.html",
        {
            "section": "applications",
            "application": application,
            "profile": profile,
            "age": eligibility.age_at(profile.birth_date, application.call.effective_reference_date)
            if profile and profile.birth_date
            else None,
            "languages": profile.languages.all() if profile else [],
            "report": report,
            "report_row": report_row,
            "criteria": [
                (eligibility.CRITERION_LABELS[code](), result)
                for code, result in (report.criteria.items() if report else [])
            ],
            "choices": ApplicationChoice.objects.filter(application=application).select_related(
                "mission"
            ),
            "experiences": Experience.objects.filter(volunteer=volunteer).select_related(
                "verified_by"
            ),
            "documents": documents,
            "timeline": [
                (change, dict(ApplicationStatus.choices).get(change.to_status, change.to_status))
                for change in StatusChange.objects.for_object(application).select_related("actor")
            ],
            "reviews": reviews,
            "others_visible": own is not None or is_programme_manager(request.user),
            "review_form": ReviewForm(instance=own),
            "score_fields": Review.SCORE_FIELDS,
            "reviewable": application.status in REVIEWABLE,
            "own_review": own,
            "actions": [
                name
                for name, (target, _service, _reason) in TRANSITIONS.items()
                if can_transition(application, target, actor=request.user)
            ],
            "reason_form": ReasonForm(),
            "access_log": AccessLog.objects.filter(
                content_type=document_type, object_id__in=[d.pk for d in documents]
            ).select_related("user")[:50],
        },
    )


@staff_required
@require_POST
def application_review(request, pk: int):
    application = get_application_for_staff(request.user, pk)
    own = Review.objects.filter(application=application, reviewer=request.user).first()
    form = ReviewForm(request.POST, instance=own)
    if not form.is_valid():
        messages.error(request, _("La note n'est pas enregistrée : chaque critère va de 0 à 5."))
        return redirect("staff:application", pk)
    try:
        services.submit_review(
            application,
            reviewer=request.user,
            scores={name: form.cleaned_data[name] for name in Review.SCORE_FIELDS},
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Évaluation enregistrée."))
    return redirect("staff:application", pk)


@staff_required
@require_POST
def application_transition(request, pk: int, action: str):
    application = get_application_for_staff(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    _target, service, needs_reason = TRANSITIONS[action]
    try:
        if needs_reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise WorkflowError(_("Indiquez le motif."))
            service(application, actor=request.user, reason=form.cleaned_data["reason"])
        else:
            service(application, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        application.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("Statut : %(status)s.") % {"status": application.get_status_display()},
        )
    return redirect("staff:application", pk)


def _item_of_application(request, pk: int, kind: str, item_pk: int):
    application = get_application_for_staff(request.user, pk)
    model = Experience if kind == "experience" else Document
    item = model.objects.filter(volunteer_id=application.volunteer_id, pk=item_pk).first()
    if item is None:
        raise Http404
    return application, item


@staff_required
@require_POST
def verify(request, pk: int, kind: str, item_pk: int):
    if kind not in ("experience", "document"):
        raise Http404
    _application, item = _item_of_application(request, pk, kind, item_pk)
    verified = request.POST.get("decision") == "verify"
    try:
        set_verification(
            item, actor=request.user, verified=verified, reason=request.POST.get("reason", "")
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Vérifié.") if verified else _("Rejeté, avec son motif."))
    return redirect(reverse("staff:application", args=[pk]) + f"#{kind}-{item_pk}")


def _document_response(request, pk: int, document_pk: int, *, inline: bool):
    _application, document = _item_of_application(request, pk, "document", document_pk)
    response = private_file_response(
        document.file, document.original_name, document.content_type, inline=inline
    )
    AccessLog.objects.create(
        user=request.user, action="view" if inline else "download", subject=document
    )
    return response


@staff_required
def document_download(request, pk: int, document_pk: int):
    return _document_response(request, pk, document_pk, inline=False)


@staff_required
@csp_override({**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]})
def document_preview(request, pk: int, document_pk: int):
    response = _document_response(request, pk, document_pk, inline=True)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


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
    previous_rules = call.rules() if call else None
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if call is not None:
            batch = services.update_call(saved, actor=request.user, previous_rules=previous_rules)
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
    try:
        run = EligibilityBatch.objects.select_related("call").get(pk=pk)
    except EligibilityBatch.DoesNotExist as exc:
        raise Http404 from exc
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
        saved = form.save(commit=False)
        saved.created_by = saved.created_by or request.user
        saved.save()
        languages.instance = saved
        languages.save()
        messages.success(request, _("Mission enregistrée."))
        return redirect("staff:missions")
    return render(
        request,
        "staff/mission_form.html",
        {"form": form, "languages": languages, "mission": mission, "section": "missions"},
    )


@manager_required
@require_POST
def mission_action(request, pk: int, action: str):
    mission = get_mission_for_manager(request.user, pk)
    try:
        if action == "publish":
            services.publish_mission(mission, actor=request.user)
        elif action == "return":
            services.return_mission(
                mission, actor=request.user, comment=request.POST.get("comment", "")
            )
        elif action == "close":
            services.close_mission(mission, actor=request.user)
        else:
            raise Http404
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        mission.refresh_from_db(fields=["status"])
        messages.success(
            request, _("Mission : %(status)s.") % {"status": mission.get_status_display()}
        )
    return redirect("staff:missions")


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
        "volunteer", "volunteer__volunteer_profile", "mission"
    ).order_by("created_at")
    candidates = (
        Application.objects.filter(call=contingent.call, status__in=[A.SHORTLISTED, A.WAITLISTED])
        .select_related("volunteer", "volunteer__volunteer_profile")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=ApplicationChoice.objects.select_related("mission").order_by("rank"),
            )
        )
        .order_by("status", "-review_score", "pk")
    )
    return render(
        request,
        "staff/contingent_detail.html",
        {
            "contingent": contingent,
            "placements": placements,
            "candidates": candidates,
            "date_form": DateForm(initial={"on": timezone.localdate()}),
            "section": "contingents",
            "statuses": PlacementStatus,
        },
    )


@manager_required
@require_POST
def contingent_add(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    application = Application.objects.filter(
        call=contingent.call, pk=request.POST.get("application")
    ).first()
    mission = Mission.objects.filter(pk=request.POST.get("mission")).first()
    if application is None or mission is None:
        messages.error(request, _("Choisissez une candidature et une de ses missions."))
        return redirect("staff:contingent", pk)
    try:
        services.add_to_contingent(
            contingent, actor=request.user, application=application, mission=mission
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Volontaire ajouté·e au contingent."))
    return redirect("staff:contingent", pk)


@manager_required
@require_POST
def contingent_send(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    try:
        services.send_contingent(contingent, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Contingent envoyé au partenaire."))
    return redirect("staff:contingent", pk)


@manager_required
@require_POST
def placement_action(request, pk: int, action: str):
    placement = get_placement_for_manager(request.user, pk)
    form = DateForm(request.POST)
    try:
        if action == "remove":
            services.remove_from_contingent(placement, actor=request.user)
        elif action in ("departure", "return"):
            if not form.is_valid():
                raise WorkflowError(_("Indiquez une date valide."))
            record = services.record_departure if action == "departure" else services.record_return
            record(placement, actor=request.user, on=form.cleaned_data["on"])
        else:
            raise Http404
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Enregistré."))
    return redirect("staff:contingent", placement.contingent_id)


@manager_required
def contingent_roster(request, pk: int):
    contingent = get_contingent_for_manager(request.user, pk)
    labels = dict(PlacementStatus.choices)
    rows = contingent.placements.values_list(
        "volunteer__volunteer_profile__last_name",
        "volunteer__volunteer_profile__first_name",
        "volunteer__email",
        "volunteer__volunteer_profile__phone",
        "mission__title",
        "mission__city",
        "status",
        "actual_departure",
        "return_date",
    ).order_by("volunteer__volunteer_profile__last_name")
    header = [
        _("Nom"),
        _("Prénoms"),
        _("E-mail"),
        _("Téléphone"),
        _("Mission"),
        _("Ville"),
        _("Statut"),
        _("Départ"),
        _("Retour"),
    ]
    return _csv_response(
        f"contingent-{contingent.pk}.csv",
        header,
        ((*row[:6], labels.get(row[6], row[6]), row[7] or "", row[8] or "") for row in rows),
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
    rows = IncomingVolunteer.objects.select_related("partner", "theme", "host_structure").order_by(
        "status", "arrival_date"
    )
    return render(request, "staff/incoming.html", {"rows": rows, "section": "incoming"})


@manager_required
@require_POST
def incoming_validate(request, pk: int):
    try:
        item = IncomingVolunteer.objects.get(pk=pk)
    except IncomingVolunteer.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.validate_incoming(item, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Déclaration validée."))
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
    if request.POST.get("notification"):
        queryset = Notification.objects.filter(pk=request.POST["notification"])
    else:
        queryset = OutboxFilter(request.POST, queryset=Notification.objects.all()).qs
    count = retry_failed(queryset)
    messages.success(request, _("%(count)s message(s) renvoyé(s).") % {"count": count})
    return redirect(f"{reverse('staff:outbox')}?{request.POST.get('query', '')}")
