"""Factories with no surprises: each builds the smallest valid object; tests say what matters."""

from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from missions.enums import ApplicationStatus, Direction, MissionStatus
from missions.models import (
    Application,
    ApplicationChoice,
    Call,
    Contingent,
    IncomingVolunteer,
    Mission,
    Theme,
)
from partners.enums import MembershipRole, OrganisationKind
from partners.models import HostVerification, PartnerMembership, PartnerOrganisation
from tests import files
from volunteers.enums import DocumentKind, NationalityStatus, Region
from volunteers.models import Document, Experience, VolunteerProfile

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.tg")
    name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = OrganisationKind.SENDING_AGENCY
    country = "FR"
    city = "Paris"


class HostFactory(PartnerFactory):
    """A host structure in Togo, registered and verified by ANVT for a year from today."""

    class Meta:
        model = PartnerOrganisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure d'accueil {n}")
    kind = OrganisationKind.HOST_STRUCTURE
    country = "TG"
    city = "Kara"
    region = Region.KARA
    legal_form = "association"

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """`verified=False`: never verified; a date: verified until that day."""
        if not create or extracted is False:
            return
        today = timezone.localdate()
        until = extracted or today + timedelta(days=365)
        HostVerification.objects.create(
            organisation=self, verified_on=min(today, until), valid_until=until
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(PartnerFactory)
    role = MembershipRole.COORDINATOR


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    title = factory.Sequence(lambda n: f"Mission {n}")
    description = "Actions de proximité avec les habitants."
    theme = factory.SubFactory(ThemeFactory)
    direction = Direction.OUTGOING
    partner = factory.SubFactory(PartnerFactory)
    country = "FR"
    city = "Lyon"
    start_date = date(2026, 10, 1)
    end_date = date(2027, 6, 30)
    seats = 2
    status = MissionStatus.PUBLISHED


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Appel VIR {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    reference_date = date(2026, 2, 28)

    @factory.post_generation
    def missions(obj, create, extracted, **kwargs):
        if create:
            obj.missions.set(extracted if extracted is not None else [MissionFactory()])


class ProfileFactory(factory.django.DjangoModelFactory):
    """A profile that passes age and nationality for the default call (reference 2026-02-28)."""

    class Meta:
        model = VolunteerProfile

    user = factory.SubFactory(UserFactory)
    first_name = "Ama"
    last_name = factory.Sequence(lambda n: f"Koffi{n}")
    birth_date = date(2003, 5, 17)
    gender = "female"
    nationality_status = NationalityStatus.TOGOLESE_RESIDENT
    country_of_residence = "TG"
    region = Region.GRAND_LOME
    city = "Lomé"
    phone = "+22890123456"


class ExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experience

    volunteer = factory.SubFactory(UserFactory)
    organisation = "ANVT — volontariat national"
    start_date = date(2023, 1, 1)
    end_date = date(2025, 6, 30)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    volunteer = factory.SubFactory(UserFactory)
    kind = DocumentKind.CV
    file = factory.django.FileField(filename="document.pdf", data=files.PDF)
    original_name = "document.pdf"
    content_type = "application/pdf"
    size = 15


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    volunteer = factory.SubFactory(UserFactory)
    call = factory.SubFactory(CallFactory)
    motivation = "Je veux transmettre ce que j'ai appris."
    status = ApplicationStatus.DRAFT

    @factory.post_generation
    def choose(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            missions = extracted or list(obj.call.missions.all()[:1])
            for rank, mission in enumerate(missions, start=1):
                ApplicationChoice.objects.create(application=obj, mission=mission, rank=rank)


class ContingentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contingent

    call = factory.SubFactory(CallFactory)
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"VIR 2026 — France — {n}")
    capacity = 4


def complete_volunteer(user=None, **profile):
    """A volunteer whose file passes every criterion of the default call."""
    user = user or UserFactory()
    ProfileFactory(user=user, **profile)
    ExperienceFactory(volunteer=user)
    for kind in ("cv", "motivation_letter", "experience_certificate"):
        DocumentFactory(volunteer=user, kind=kind)
    DocumentFactory(volunteer=user, kind="passport", expiry_date=date(2031, 1, 1))
    return user


class IncomingFactory(factory.django.DjangoModelFactory):
    """A foreign volunteer declared for Togo, not yet validated."""

    class Meta:
        model = IncomingVolunteer

    partner = factory.SubFactory(PartnerFactory)
    first_name = "Camille"
    last_name = "Durand"
    nationality = "FR"
    birth_date = date(2001, 9, 22)
    passport_number = "20FR12345"
    sending_organisation = "France Volontaires"
    host_structure = factory.SubFactory(HostFactory)
    region = Region.KARA
    theme = factory.SubFactory(ThemeFactory)
    arrival_date = factory.LazyFunction(timezone.localdate)
    departure_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))
    emergency_contact_name = "Marie Durand"
    emergency_contact_phone = "+33612345678"


def submitted_call(size: int):
    """A call with `size` submitted applications, every other one of a volunteer too old."""
    call = CallFactory()
    for index in range(size):
        volunteer = complete_volunteer(
            birth_date=date(1999, 1, 1) if index % 2 else date(2003, 1, 1)
        )
        ApplicationFactory(call=call, volunteer=volunteer, status=ApplicationStatus.SUBMITTED)
    return call
