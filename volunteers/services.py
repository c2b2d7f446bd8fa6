"""Writes of the volunteer's own data. Every change an open application depends on triggers its
eligibility re-check after the commit (missions.services.volunteer_data_changed)."""

import json

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anvt.celery import delay_on_commit
from audit.models import AccessLog, StatusChange
from missions.enums import APPLICATION_WITHDRAWABLE
from missions.models import Application
from missions.services import volunteer_data_changed, withdraw
from notifications.models import Notification
from volunteers.enums import VerificationStatus
from volunteers.models import Document, Experience, VolunteerProfile
from volunteers.uploads import safe_name


def profile_of(user) -> VolunteerProfile:
    profile, _created = VolunteerProfile.objects.get_or_create(user=user)
    return profile


def _delete_file_after_commit(field_file) -> None:
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def save_profile(profile: VolunteerProfile, form) -> None:
    form.save()
    volunteer_data_changed(profile.user)


@transaction.atomic
def save_languages(profile: VolunteerProfile, formset) -> None:
    formset.save()


@transaction.atomic
def give_consent(profile: VolunteerProfile, *, language: str) -> None:
    profile.consent_at = profile.consent_at or timezone.now()
    profile.save(update_fields=["consent_at", "updated_at"])
    user = profile.user
    user.language = language
    user.save(update_fields=["language"])


@transaction.atomic
def save_experience(volunteer, form) -> Experience:
    """Create or update an experience from a validated ExperienceForm."""
    experience = form.save(commit=False)
    experience.volunteer = volunteer
    old_proof = None
    if "proof" in form.changed_data and experience.pk:
        old_proof = Experience.objects.get(pk=experience.pk).proof
    if any(name in form.changed_data for name in ("start_date", "end_date", "organisation")):
        # What staff verified no longer holds once the dates change.
        experience.verification_status = "declared"
        experience.verified_by = None
        experience.verified_at = None
    experience.save()
    if old_proof:
        _delete_file_after_commit(old_proof)
    volunteer_data_changed(volunteer)
    return experience


@transaction.atomic
def delete_experience(experience: Experience) -> None:
    _delete_file_after_commit(experience.proof)
    experience.delete()
    volunteer_data_changed(experience.volunteer)


@transaction.atomic
def add_document(volunteer, form) -> Document:
    document = form.save(commit=False)
    upload = form.cleaned_data["file"]
    document.volunteer = volunteer
    document.original_name = safe_name(upload)
    document.content_type = upload.checked_content_type
    document.size = upload.size
    document.save()
    volunteer_data_changed(volunteer)
    return document


@transaction.atomic
def replace_document(document: Document, form) -> Document:
    old_file = Document.objects.get(pk=document.pk).file
    upload = form.cleaned_data["file"]
    document = form.save(commit=False)
    document.original_name = safe_name(upload)
    document.content_type = upload.checked_content_type
    document.size = upload.size
    document.uploaded_at = timezone.now()
    document.verification_status = "declared"
    document.verified_by = None
    document.verified_at = None
    document.save()
    _delete_file_after_commit(old_file)
    volunteer_data_changed(document.volunteer)
    return document


@transaction.atomic
def delete_document(document: Document) -> None:
    _delete_file_after_commit(document.file)
    document.delete()
    volunteer_data_changed(document.volunteer)


@transaction.atomic
def set_verification(
    item: Experience | Document, *, actor, verified: bool, reason: str = ""
) -> None:
    """Staff verify or reject an experience or a document; a rejection needs its reason."""
    from missions.rules import is_programme_manager, is_reviewer
    from missions.workflow import WorkflowError

    if not (is_programme_manager(actor) or is_reviewer(actor)):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action."))
    if not verified and not reason.strip():
        raise WorkflowError(_("Indiquez le motif du rejet."))
    item.verification_status = (
        VerificationStatus.VERIFIED if verified else VerificationStatus.REJECTED
    )
    item.verification_reason = "" if verified else reason.strip()
    item.verified_by = actor
    item.verified_at = timezone.now()
    item.save(
        update_fields=["verification_status", "verification_reason", "verified_by", "verified_at"]
    )
    volunteer_data_changed(item.volunteer)


def export_data(user) -> str:
    """Everything the portal holds about the volunteer, as JSON (PRODUCT section 8)."""
    profile = VolunteerProfile.objects.filter(user=user).first()
    applications = list(
        Application.objects.of_volunteer(user)
        .select_related("call", "eligibility_report")
        .prefetch_related("choices__mission")
    )
    application_ids = [application.pk for application in applications]
    data = {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "profile": None
        if profile is None
        else {
            "first_name": profile.first_name,
            "last_name": profile.last_name,
            "birth_date": profile.birth_date,
            "gender": profile.gender,
            "nationality_status": profile.nationality_status,
            "country_of_residence": str(profile.country_of_residence),
            "region": profile.region,
            "city": profile.city,
            "phone": profile.phone,
            "education_level": profile.education_level,
            "consent_at": profile.consent_at,
            "languages": [
                {"language": item.language, "level": item.level} for item in profile.languages.all()
            ],
        },
        "experiences": [
            {
                "organisation": e.organisation,
                "programme": e.programme,
                "role": e.role,
                "country": str(e.country),
                "start_date": e.start_date,
                "end_date": e.end_date,
                "description": e.description,
                "has_proof": bool(e.proof),
                "verification_status": e.verification_status,
                "verification_reason": e.verification_reason,
            }
            for e in Experience.objects.filter(volunteer=user)
        ],
        "documents": [
            {
                "kind": d.kind,
                "file_name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "expiry_date": d.expiry_date,
                "uploaded_at": d.uploaded_at,
                "verification_status": d.verification_status,
                "verification_reason": d.verification_reason,
            }
            for d in Document.objects.filter(volunteer=user)
        ],
        "applications": [
            {
                "call": application.call.title,
                "status": application.status,
                "motivation": application.motivation,
                "submitted_at": application.submitted_at,
                "missions": [
                    {"rank": choice.rank, "mission": choice.mission.title}
                    for choice in application.choices.all()
                ],
                "eligibility": getattr(application, "eligibility_report", None)
                and application.eligibility_report.data,
            }
            for application in applications
        ],
        "status_changes": [
            {
                "application_id": change.object_id,
                "from": change.from_status,
                "to": change.to_status,
                "at": change.created_at,
                "reason": change.reason,
            }
            for change in StatusChange.objects.filter(
                content_type__model="application", object_id__in=application_ids
            ).order_by("created_at")
        ],
        "document_views": [
            {"action": log.action, "document_id": log.object_id, "at": log.created_at}
            for log in AccessLog.objects.filter(
                content_type__model="document",
                object_id__in=Document.objects.filter(volunteer=user).values("pk"),
            )
        ],
        "notifications": [
            {
                "event": n.event,
                "channel": n.channel,
                "subject": n.subject,
                "body": n.body,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in Notification.objects.filter(user=user)
        ],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def request_erasure(user) -> None:
    """Deactivate the account now; the personal data is erased by a job after the commit."""
    from volunteers.tasks import erase_volunteer

    for application in Application.objects.of_volunteer(user).filter(
        status__in=APPLICATION_WITHDRAWABLE
    ):
        withdraw(application, actor=user, reason="account_deletion")
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    delay_on_commit(erase_volunteer, user_id=user.pk)


def _end_sessions(user) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@transaction.atomic
def erase_volunteer(user) -> None:
    """Erase the personal data, keep what anonymised statistics need.

    Kept: gender, region, nationality status and birth year on the profile; applications with
    their statuses, audit rows and reviews. Erased: names, contact, exact birth date, files,
    experiences, documents, notifications, e-mail address, motivation texts.
    """
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile:
        birth_year = profile.birth_date.year if profile.birth_date else None
        profile.first_name = ""
        profile.last_name = ""
        profile.birth_date = profile.birth_date.replace(month=1, day=1) if birth_year else None
        profile.city = ""
        profile.phone = ""
        profile.save()
        profile.languages.all().delete()
    for experience in Experience.objects.filter(volunteer=user):
        _delete_file_after_commit(experience.proof)
    Experience.objects.filter(volunteer=user).delete()
    for document in Document.objects.filter(volunteer=user):
        _delete_file_after_commit(document.file)
    Document.objects.filter(volunteer=user).delete()
    Notification.objects.filter(user=user).delete()
    Application.objects.filter(volunteer=user).update(motivation="")
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
