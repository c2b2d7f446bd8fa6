import pytest
from django.urls import reverse

from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db

IDENTITY = {
    "first_name": "Ama",
    "last_name": "Koffi",
    "birth_date": "2003-05-17",
    "gender": "female",
    "nationality_status": "togolese_resident",
}


def post_step(client, step, data):
    return client.post(reverse("volunteers:profile_step", args=[step]), data)


def test_identity_step_saves_and_goes_to_contact(volunteer_client, volunteer):
    response = post_step(volunteer_client, "identity", IDENTITY)
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:profile_step", args=["contact"])
    profile = VolunteerProfile.objects.get(user=volunteer)
    assert (profile.first_name, str(profile.birth_date)) == ("Ama", "2003-05-17")


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("2999-01-01", "La date de naissance ne peut pas être dans le futur."),
        ("1949-12-31", "La date de naissance ne peut pas être antérieure au 1er janvier 1950."),
        ("17/05/2003x", "Saisissez une date valide."),
    ],
)
def test_bad_birth_date_is_refused_next_to_the_field(
    volunteer_client, volunteer, birth_date, message
):
    response = post_step(volunteer_client, "identity", {**IDENTITY, "birth_date": birth_date})
    assert response.status_code == 200
    assert response.context["form"].errors == {"birth_date": [message]}
    assert message in response.text
    assert VolunteerProfile.objects.get(user=volunteer).birth_date is None


@pytest.mark.parametrize(
    "phone", ["9012345", "+228 9012", "+0228901234567", "téléphone", "+22890123456789012"]
)
def test_malformed_phone_is_refused(volunteer_client, volunteer, phone):
    post_step(volunteer_client, "identity", IDENTITY)
    response = post_step(
        volunteer_client,
        "contact",
        {"country_of_residence": "TG", "region": "kara", "city": "Kara", "phone": phone},
    )
    assert response.status_code == 200
    assert (
        "Ce numéro n'existe pas. Au Togo, écrivez ses 8 chiffres"
        in (response.context["form"].errors["phone"][0])
    )
    assert VolunteerProfile.objects.get(user=volunteer).phone == ""


def test_phone_is_stored_in_e164(volunteer_client, volunteer):
    post_step(volunteer_client, "identity", IDENTITY)
    post_step(
        volunteer_client,
        "contact",
        {
            "country_of_residence": "TG",
            "region": "kara",
            "city": "Kara",
            "phone": "00228 90 12-34.56",
        },
    )
    assert VolunteerProfile.objects.get(user=volunteer).phone == "+22890123456"


def test_a_local_togolese_number_is_read_in_togo_and_shown_back_as_written(
    volunteer_client, volunteer
):
    post_step(volunteer_client, "identity", IDENTITY)
    contact = {"country_of_residence": "TG", "region": "kara", "city": "Kara"}
    post_step(volunteer_client, "contact", {**contact, "phone": "90 12 34 56"})
    assert VolunteerProfile.objects.get(user=volunteer).phone == "+22890123456"
    page = volunteer_client.get(reverse("volunteers:profile_step", args=["contact"]))
    assert 'value="90 12 34 56"' in page.text


def test_a_diaspora_number_keeps_its_country_code(volunteer_client, volunteer):
    post_step(volunteer_client, "identity", {**IDENTITY, "nationality_status": "diaspora"})
    contact = {"country_of_residence": "FR", "city": "Lille"}
    post_step(volunteer_client, "contact", {**contact, "phone": "06 12 34 56 78"})
    assert VolunteerProfile.objects.get(user=volunteer).phone == "+33612345678"
    page = volunteer_client.get(reverse("volunteers:profile_step", args=["contact"]))
    assert 'value="06 12 34 56 78"' in page.text


def test_residents_must_name_their_region(volunteer_client, volunteer):
    post_step(volunteer_client, "identity", IDENTITY)
    response = post_step(
        volunteer_client,
        "contact",
        {"country_of_residence": "TG", "city": "Kara", "phone": "+22890123456"},
    )
    assert response.context["form"].errors == {
        "region": ["Indiquez votre région : vous résidez au Togo."]
    }


def test_consent_is_required(volunteer_client, volunteer):
    response = post_step(volunteer_client, "consent", {"language": "fr"})
    assert response.context["form"].errors == {
        "consent": ["Votre consentement est nécessaire pour candidater."]
    }
    assert VolunteerProfile.objects.get(user=volunteer).consent_at is None

    post_step(volunteer_client, "consent", {"language": "en", "consent": "on"})
    volunteer.refresh_from_db()
    assert VolunteerProfile.objects.get(user=volunteer).consent_at is not None
    assert volunteer.language == "en"


def test_completeness_names_what_is_missing(volunteer_client):
    post_step(volunteer_client, "identity", IDENTITY)
    response = volunteer_client.get(reverse("volunteers:dashboard"))
    missing = [str(label) for _step, label in response.context["missing"]]
    assert missing == [
        "votre pays de résidence",
        "votre ville",
        "votre téléphone",
        "votre région",
        "au moins une langue parlée",
        "votre niveau d'études",
        "votre consentement au traitement des données",
    ]
    assert "Profil complété à 36 %" in response.text


def test_languages_step_saves_several_languages(volunteer_client, volunteer):
    data = {
        "languages-TOTAL_FORMS": "2",
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "8",
        "languages-0-language": "fr",
        "languages-0-level": "C1",
        "languages-1-language": "ee",
        "languages-1-level": "C2",
    }
    assert post_step(volunteer_client, "languages", data).status_code == 302
    profile = VolunteerProfile.objects.get(user=volunteer)
    assert sorted(profile.languages.values_list("language", "level")) == [
        ("ee", "C2"),
        ("fr", "C1"),
    ]


def test_unknown_step_is_404(volunteer_client):
    assert volunteer_client.get("/espace/profil/secrets/").status_code == 404


def test_volunteer_pages_need_login(client):
    response = client.get(reverse("volunteers:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_have_no_volunteer_space(client, manager):
    client.force_login(manager)
    assert client.get(reverse("volunteers:dashboard")).status_code == 404
