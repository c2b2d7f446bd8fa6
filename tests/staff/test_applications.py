from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.models import AccessLog, StatusChange
from missions.models import Application, Review
from tests.factories import ApplicationFactory, ExperienceFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [a.volunteer.volunteer_profile.last_name for a in response.context["page"]]


def make(call, last_name, **profile):
    application = ApplicationFactory(call=call, status=profile.pop("status", "eligible"))
    ProfileFactory(user=application.volunteer, last_name=last_name, **profile)
    return application


def test_filters_and_sorting(manager_client, call):
    a = make(call, "Adjo", gender="male", region="kara", birth_date=date(2000, 6, 1))
    b = make(call, "Bodjona", gender="female", region="savanes", status="shortlisted")
    c = make(call, "Koffi", gender="female", region="kara", birth_date=date(2006, 1, 1))
    Application.objects.filter(pk=a.pk).update(review_score=15)
    Application.objects.filter(pk=b.pk).update(review_score=9)
    ExperienceFactory(volunteer=c.volunteer, verification_status="verified")
    url = reverse("staff:applications")

    assert names(manager_client.get(url, {"sort": "name"})) == ["Adjo", "Bodjona", "Koffi"]
    assert names(manager_client.get(url, {"gender": "female", "sort": "name"})) == [
        "Bodjona",
        "Koffi",
    ]
    assert names(manager_client.get(url, {"region": "kara", "sort": "name"})) == ["Adjo", "Koffi"]
    assert names(manager_client.get(url, {"status": "shortlisted"})) == ["Bodjona"]
    assert names(manager_client.get(url, {"score_min": 10})) == ["Adjo"]
    assert names(manager_client.get(url, {"sort": "-score"}))[:2] == ["Adjo", "Bodjona"]
    assert names(manager_client.get(url, {"verified_experience": "yes"})) == ["Koffi"]
    assert names(manager_client.get(url, {"call": call.pk, "age_max": 20})) == ["Koffi"]
    assert names(manager_client.get(url, {"call": call.pk, "age_min": 25, "sort": "name"})) == [
        "Adjo"
    ]
    assert names(manager_client.get(url, {"q": "bodj"})) == ["Bodjona"]
    assert names(manager_client.get(url, {"mission": call.missions.get().pk, "sort": "name"})) == [
        "Adjo",
        "Bodjona",
        "Koffi",
    ]


def test_bad_filter_input_is_reported_not_crashed(manager_client, call):
    make(call, "Adjo")
    response = manager_client.get(
        reverse("staff:applications"), {"age_min": "vingt", "status": "nope"}
    )
    assert response.status_code == 200
    assert "Saisissez un nombre." in response.text
    assert "Sélectionnez un choix valide" in response.text


@pytest.mark.parametrize("count", [2, 40])
def test_list_runs_a_constant_number_of_queries(
    manager_client, call, count, django_assert_max_num_queries
):
    for n in range(count):
        make(call, f"Nom{n:02d}")
    with django_assert_max_num_queries(15):
        response = manager_client.get(
            reverse("staff:applications"), {"call": call.pk, "sort": "-score"}
        )
    assert len(response.context["page"]) == min(count, 25)


def test_csv_export_is_utf8_with_bom_and_follows_the_filters(manager_client, call):
    make(call, "Étienne-Adjo", region="kara")
    make(call, "Other", region="savanes")
    response = manager_client.get(reverse("staff:applications_export"), {"region": "kara"})
    content = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith("\ufeffN°,Appel,Nom,")
    assert "Étienne-Adjo" in content and "Other" not in content
    assert AccessLog.objects.filter(action="export").count() == 1


def test_reviewer_sees_others_scores_only_after_scoring(client, application, reviewer, manager):
    Review.objects.create(
        application=application,
        reviewer=manager,
        scores={"motivation": 5, "experience": 5, "skills": 5, "languages": 5},
        score=20,
        recommendation="select",
        comment="Excellent dossier",
    )
    client.force_login(reviewer)
    url = reverse("staff:application", args=[application.pk])
    before = client.get(url)
    assert "Excellent dossier" not in before.text
    assert "vous verrez les notes des autres après avoir donné la vôtre" in before.text

    response = client.post(
        reverse("staff:application_review", args=[application.pk]),
        {
            "motivation": 4,
            "experience": 3,
            "skills": 4,
            "languages": 2,
            "comment": "Bien",
            "recommendation": "select",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.review_count, str(application.review_score)) == (
        "under_review",
        2,
        "16.50",
    )
    assert "Excellent dossier" in client.get(url).text


def test_out_of_range_score_is_refused_and_nothing_saved(client, application, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("staff:application_review", args=[application.pk]),
        {"motivation": 9, "experience": 3, "skills": 4, "languages": 2, "recommendation": "select"},
        follow=True,
    )
    assert "notez chaque critère de la grille, dans ses limites" in response.text
    assert not Review.objects.exists()
    application.refresh_from_db()
    assert application.status == "eligible"


def test_manager_moves_an_application_and_the_volunteer_is_told(
    manager_client, application, django_capture_on_commit_callbacks
):
    manager_client.post(reverse("staff:application_start_review", args=[application.pk]))
    early = manager_client.post(
        reverse("staff:application_shortlist", args=[application.pk]), follow=True
    )
    assert "a 0 évaluation(s) sur les 2 demandées" in early.text
    application.refresh_from_db()
    assert application.status == "under_review"
    manager_client.post(
        reverse("staff:application_shortlist", args=[application.pk]),
        {"reason": "Dossier vu en comité le 3 mars"},
    )
    application.refresh_from_db()
    assert application.status == "shortlisted"
    assert (
        application.volunteer.notifications.filter(
            event="application_status", channel="in_app"
        ).count()
        == 1
    )


def test_reject_and_return_need_a_reason(manager_client, application):
    manager_client.post(reverse("staff:application_start_review", args=[application.pk]))
    response = manager_client.post(
        reverse("staff:application_reject", args=[application.pk]),
        {"reason": ""},
        follow=True,
    )
    assert "Indiquez le motif." in response.text
    application.refresh_from_db()
    assert application.status == "under_review"

    manager_client.post(
        reverse("staff:application_return", args=[application.pk]),
        {"reason": "Attestation illisible"},
    )
    application.refresh_from_db()
    assert application.status == "returned_for_correction"
    assert StatusChange.objects.for_object(application).last().reason == "Attestation illisible"


def test_reviewers_cannot_make_selection_moves(client, application, reviewer):
    client.force_login(reviewer)
    client.post(reverse("staff:application_start_review", args=[application.pk]))
    response = client.post(
        reverse("staff:application_shortlist", args=[application.pk]), follow=True
    )
    assert "Vous n&#x27;avez pas le droit de faire cette action." in response.text
    application.refresh_from_db()
    assert application.status == "under_review"
    assert (
        "Présélectionner"
        not in client.get(reverse("staff:application", args=[application.pk])).text
    )


def test_experiences_are_verified_or_rejected_with_a_reason(
    client, application, manager, django_capture_on_commit_callbacks
):
    experience = application.volunteer.experiences.get()
    client.force_login(manager)
    reject = reverse("staff:experience_reject", args=[application.pk, experience.pk])

    client.post(reject, {"reason": ""})
    experience.refresh_from_db()
    assert experience.verification_status == "declared"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reject, {"reason": "Dates contredites par l'attestation"})
    experience.refresh_from_db()
    assert (experience.verification_status, experience.verified_by) == ("rejected", manager)
    application.refresh_from_db()
    assert application.status == "ineligible"  # a rejected experience no longer counts

    client.post(reverse("staff:experience_verify", args=[application.pk, experience.pk]))
    experience.refresh_from_db()
    assert experience.verification_status == "verified"


def test_a_reviewer_cannot_verify_what_counts_for_other_calls(client, application, reviewer):
    """A reviewer of one call could verify documents that count for every call (issue 12)."""
    document = application.volunteer.documents.get(kind="cv")
    client.force_login(reviewer)
    page = client.get(reverse("staff:application", args=[application.pk])).text
    assert reverse("staff:document_verify", args=[application.pk, document.pk]) not in page
    response = client.post(
        reverse("staff:document_verify", args=[application.pk, document.pk]), follow=True
    )
    assert "Vous n&#x27;avez pas le droit de faire cette action." in response.text
    document.refresh_from_db()
    assert (document.verification_status, document.verified_by) == ("declared", None)


def test_document_views_are_audited_and_shown(client, application, reviewer, manager):
    document = application.volunteer.documents.get(kind="cv")
    client.force_login(reviewer)
    preview = client.get(reverse("staff:document_preview", args=[application.pk, document.pk]))
    # An image of the pages, never the PDF itself (issue 12): nothing in the file can run.
    assert (preview["Content-Type"], preview["Cache-Control"]) == ("image/png", "private, no-store")
    assert preview.content.startswith(b"\x89PNG") and b"%PDF" not in preview.content
    download = client.get(reverse("staff:document_download", args=[application.pk, document.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    assert list(AccessLog.objects.values_list("user", "action", "object_id")) == [
        (reviewer.pk, "view", document.pk),
        (reviewer.pk, "download", document.pk),
    ]
    client.force_login(manager)
    page = client.get(reverse("staff:application", args=[application.pk]))
    kind = escape(document.get_kind_display())
    assert f"{reviewer} : aperçu de « {kind} »" in page.text  # which document, by name
    assert f"{reviewer} : téléchargement de « {kind} »" in page.text


def test_application_page_shows_profile_report_and_warnings(
    manager_client, application, django_capture_on_commit_callbacks
):
    from missions.checking import check_applications

    check_applications([application.pk], job="test")
    page = manager_client.get(reverse("staff:application", args=[application.pk]))
    assert "Akosua SECRETNAME" in page.text
    assert "1 expérience n&#x27;est pas encore vérifiée par l&#x27;ANVT." in page.text
    assert "Motivation confidentielle" in page.text
