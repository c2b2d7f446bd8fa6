"""Demo data that makes a fresh portal look alive. Idempotent: a second run changes nothing."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP
from missions.models import Theme
from partners.enums import MembershipRole, OrganisationKind
from partners.models import PartnerMembership, PartnerOrganisation

DEMO_PASSWORD = "anvt-demo-2026"

THEMES = [
    (
        "ecologie",
        "Sensibilisation à l'écologie et développement durable",
        "Ecology awareness and sustainable development",
    ),
    ("sante", "Prévention et santé", "Prevention and health"),
    (
        "decrochage-scolaire",
        "Lutte contre le décrochage scolaire et chantiers de solidarité",
        "Fight against school dropout, and solidarity worksites",
    ),
    (
        "solidarite-internationale",
        "Éducation au développement et à la solidarité internationale",
        "Education for development and international solidarity",
    ),
]

PARTNERS = [
    {
        "name": "France Volontaires",
        "kind": OrganisationKind.SENDING_AGENCY,
        "country": "FR",
        "city": "Paris",
        "contact_email": "contact@france-volontaires.demo",
    },
    {
        "name": "Association Lomé Solidarité",
        "kind": OrganisationKind.HOST_STRUCTURE,
        "country": "TG",
        "city": "Lomé",
        "contact_email": "contact@lome-solidarite.demo",
    },
]

# (e-mail, display name, language, group or None, partner name or None)
PEOPLE = [
    ("admin@anvt.demo", "Administrateur ANVT", "fr", None, None),
    ("manager@anvt.demo", "Afi Mensah", "fr", PROGRAMME_MANAGERS_GROUP, None),
    ("reviewer@anvt.demo", "Komlan Agbeko", "fr", REVIEWERS_GROUP, None),
    ("coordinator@france-volontaires.demo", "Claire Martin", "fr", None, "France Volontaires"),
    ("ama@volontaire.demo", "Ama Koffi", "fr", None, None),
    ("kossi@volontaire.demo", "Kossi Adjo", "en", None, None),
]


class Command(BaseCommand):
    help = "Create the demo data set (themes, partners, staff, volunteers). Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        for position, (slug, name_fr, name_en) in enumerate(THEMES, start=1):
            Theme.objects.get_or_create(
                slug=slug, defaults={"name_fr": name_fr, "name_en": name_en, "position": position}
            )
        partners = {}
        for data in PARTNERS:
            partners[data["name"]], _ = PartnerOrganisation.objects.get_or_create(
                name=data["name"], defaults=data
            )

        User = get_user_model()
        for email, name, language, group, partner in PEOPLE:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "name": name,
                    "language": language,
                    "is_staff": email.startswith("admin@"),
                    "is_superuser": email.startswith("admin@"),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if group:
                user.groups.add(Group.objects.get(name=group))
            if partner:
                PartnerMembership.objects.get_or_create(
                    user=user,
                    defaults={
                        "organisation": partners[partner],
                        "role": MembershipRole.COORDINATOR,
                    },
                )

        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
        for email, name, _language, group, partner in PEOPLE:
            role = group or (f"partenaire · {partner}" if partner else None)
            role = role or ("administrateur" if email.startswith("admin@") else "volontaire")
            self.stdout.write(f"  {email:<40} {name:<22} {role}")
