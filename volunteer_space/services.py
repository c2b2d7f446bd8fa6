"""The volunteer's use cases: writes of their own data, export and erasure. Every change an open
application depends on triggers its eligibility re-check after the commit
(missions.services.volunteer_data_changed). Services take clean values, never forms."""

import json

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from alumni.models import Certificate
from anvt.celery import delay_on_commit
from audit.models import AccessLog, Erasure, StatusChange
from missions.enums import APPLICATION_WITHDRAWABLE
from missions.models import Application
from missions.services import volunteer_data_changed, withdraw
from notifications.models import InboundSms, Notification, SmsNumber, SmsOptIn
from notifications.services import SECRET_EVENTS
from selection import queries as selection_queries
from volunteers import attestations
from volunteers.enums import AttestationStatus, VerificationStatus
from volunteers.models import Document, Experience, ProfileLanguage, VolunteerProfile
from volunteers.uploads import safe_name


def profile_of(user) -> VolunteerProfile:
    profile, _created = VolunteerProfile.objects.get_or_create(user=user)
    return profile


def _delete_file_after_commit(field_file) -> None:
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _assign(instance, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


def _reset_verification(item: Experience | Document) -> None:
    """What staff verified no longer holds once the item changes."""
    item.verification_status = VerificationStatus.DECLARED
    item.verified_by = None
    item.verified_at = None


@transaction.atomic
def save_profile(profile: VolunteerProfile, *, values: dict) -> None:
    """One step of the profile (clean values of its form's fields). The name she gives is the
    account's name too: her messages greet her by it."""
    _assign(profile, values)
    profile.save()
    user = profile.user
    if {"first_name", "last_name"} & values.keys() and user.name != profile.full_name:
        user.name = profile.full_name[: user._meta.get_field("name").max_length]
        user.save(update_fields=["name"])
    volunteer_data_changed(user)


@transaction.atomic
def save_languages(profile: VolunteerProfile, *, languages: list[tuple[str, str]]) -> None:
    """The languages the volunteer speaks, as (language, CEFR level) pairs, replacing the old."""
    profile.languages.all().delete()
    ProfileLanguage.objects.bulk_create(
        ProfileLanguage(profile=profile, language=language, level=level)
        for language, level in dict(languages).items()
    )


@transaction.atomic
def give_consent(profile: VolunteerProfile, *, language: str) -> None:
    profile.consent_at = profile.consent_at or timezone.now()
    profile.save(update_fields=["consent_at", "updated_at"])
    user = profile.user
    user.language = language
    user.save(update_fields=["language"])


@transaction.atomic
def save_experience(volunteer, *, experience: Experience | None, values: dict) -> Experience:
    """Create (experience None) or update an experience from the clean values of its form.

    `values["proof"]` is a new checked upload, False to remove the proof, or the current file.
    """
    values = dict(values)
    proof = values.pop("proof", None)
    with transaction.atomic():
        return _save_experience(volunteer, experience, values, proof)


def _save_experience(volunteer, experience, values, proof) -> Experience:
    # As stored, locked: a bound ModelForm has already copied its input onto the instance it was
    # given, and a referee may have answered since the page was loaded.
    stored = Experience.objects.select_for_update().get(pk=experience.pk) if experience else None
    experience = experience or Experience(volunteer=volunteer)
    if stored is not None:
        for name in ATTESTATION_FIELDS:
            setattr(experience, name, getattr(stored, name))
    _assign(experience, values)
    if stored and stored.referee_email.lower() != experience.referee_email.lower():
        attestations.cancel_pending(experience)
    if stored and any(
        getattr(stored, name) != getattr(experience, name)
        for name in ("start_date", "end_date", "organisation")
    ):
        _reset_verification(experience)
    if (
        stored
        and stored.is_attested
        and any(
            getattr(stored, name) != getattr(experience, name)
            for name in ("start_date", "end_date", "organisation", "role")
        )
    ):
        # What the host attested is no longer what she declares: ask again.
        _reset_attestation(experience)
    if proof is False or _is_new_upload(proof):
        if stored:
            _delete_file_after_commit(stored.proof)
        experience.proof = None
        if proof:
            experience.proof.save(safe_name(proof), proof, save=False)
    experience.save()
    volunteer_data_changed(volunteer)
    return experience


ATTESTATION_FIELDS = (
    "attestation_status",
    "attested_by",
    "attested_at",
    "attested_organisation",
    "attested_role",
    "attested_start",
    "attested_end",
    "attestation_comment",
)


def _reset_attestation(experience: Experience) -> None:
    experience.attestation_status = AttestationStatus.NONE
    experience.attested_by = experience.attested_organisation = experience.attested_role = ""
    experience.attested_start = experience.attested_end = experience.attested_at = None
    experience.attestation_comment = ""


def _is_new_upload(value) -> bool:
    return value is not None and value is not False and hasattr(value, "checked_content_type")


@transaction.atomic
def delete_experience(experience: Experience) -> None:
    _delete_file_after_commit(experience.proof)
    experience.delete()
    volunteer_data_changed(experience.volunteer)


@transaction.atomic
def add_document(volunteer, *, kind: str, upload, expiry_date=None) -> Document:
    """A new document from a checked upload (see volunteers.forms.UploadField)."""
    document = Document(volunteer=volunteer, kind=kind, expiry_date=expiry_date)
    _attach(document, upload)
    document.save()
    volunteer_data_changed(volunteer)
    return document


def _attach(document: Document, upload) -> None:
    document.original_name = safe_name(upload)
    document.content_type = upload.checked_content_type
    document.size = upload.size
    document.file.save(upload.name, upload, save=False)


@transaction.atomic
def replace_document(document: Document, *, upload, expiry_date=None) -> Document:
    """A new file for the same document; staff verify it again."""
    # As stored: a bound ModelForm has already copied its input onto the instance it was given.
    _delete_file_after_commit(Document.objects.get(pk=document.pk).file)
    _attach(document, upload)
    document.expiry_date = expiry_date
    document.uploaded_at = timezone.now()
    _reset_verification(document)
    document.save()
    volunteer_data_changed(document.volunteer)
    return document


@transaction.atomic
def delete_document(document: Document) -> None:
    _delete_file_after_commit(document.file)
    document.delete()
    volunteer_data_changed(document.volunteer)


def export_data(user) -> str:
    """Everything the portal holds about the volunteer, as JSON (PRODUCT section 8)."""
    profile = VolunteerProfile.objects.filter(user=user).first()
    applications = list(
        Application.objects.filter(volunteer=user)
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
                # The mean of the reviewers' scores, out of 20 (the call's grid).
                "review_score": str(application.review_score)
                if application.review_score is not None
                else None,
            }
            for application in applications
        ],
        # What the retention job deleted of her documents (kind and count), and when.
        "deleted_documents": [
            {"kind": e.kind, "count": e.count, "at": e.created_at, "reason": e.reason}
            for e in Erasure.objects.filter(volunteer=user).order_by("created_at")
        ],
        # Her marks and the decision with its reason, per closed committee session; nothing
        # about the other applicants nor the members' names.
        "selection_committees": selection_queries.volunteer_part(user),
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
            for n in Notification.objects.filter(user=user).exclude(event__in=SECRET_EVENTS)
        ],
        "sms_number": SmsNumber.objects.filter(user=user).values_list("number", flat=True).first()
        or "",
        "sms_families": list(SmsOptIn.objects.filter(user=user).values_list("family", flat=True)),
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def request_erasure(user) -> None:
    """Deactivate the account now; the personal data is erased by a job after the commit."""
    # volunteer_space.tasks imports this module (its job calls erase_volunteer below).
    from volunteer_space.tasks import erase_volunteer

    for application in Application.objects.filter(volunteer=user).filter(
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
    SmsNumber.objects.filter(user=user).delete()
    SmsOptIn.objects.filter(user=user).delete()
    InboundSms.objects.filter(user=user).delete()
    Application.objects.filter(volunteer=user).update(motivation="")
    # Her certificates keep what they certify, without her name (and their code still answers).
    for certificate in Certificate.objects.filter(placement__volunteer=user):
        certificate.data = {**certificate.data, "volunteer": ""}
        certificate.save(update_fields=["data"])
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
