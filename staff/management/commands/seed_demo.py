"""Demo data that makes a fresh portal look alive. Idempotent: a second run changes nothing."""

import io
import secrets
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from accounts.invitations import invitation_link
from accounts.roles import PROGRAMME_MANAGERS_GROUP, REVIEWERS_GROUP, has_mfa, must_use_mfa
from alumni import followup, retention
from alumni.models import FollowUp, Questionnaire
from audit.models import ApiCall, StatusChange
from missions import checking, hostlinks, services
from missions.enums import Direction, MissionStatus, PlacementStatus, Recommendation
from missions.models import (
    Application,
    Call,
    Contingent,
    IncomingVolunteer,
    Mission,
    MissionLanguage,
    Placement,
    Review,
    Theme,
)
from mobility import services as mobility_services
from mobility.enums import ItemOwner
from mobility.models import ChecklistItem
from notifications import inbound, webhooks
from notifications import services as notification_services
from notifications.models import Notification, SmsNumber, State
from partners import secrets as stored_secrets
from partners.enums import MembershipRole, OrganisationKind, TokenScope
from partners.models import ApiToken, PartnerMembership, PartnerOrganisation, WebhookEndpoint
from reciprocity import services as reciprocity_services
from selection import links
from selection import services as selection_services
from selection.enums import SessionStatus
from selection.models import CommitteeMember, CommitteeSession
from volunteers import attestations
from volunteers.models import (
    AttestationRequest,
    Document,
    Experience,
    ProfileLanguage,
    VolunteerProfile,
)

DEMO_PASSWORD = "anvt-demo-2026"
# The demo's API key for France Volontaires (README's curl session): a demo database only.
DEMO_API_KEY = "anvt_demo-france-volontaires-0000000000000000"

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
        # A host structure without an account: its contact confirms through the e-mailed link.
        "name": "Mairie de Lille — Service jeunesse",
        "kind": OrganisationKind.HOST_STRUCTURE,
        "country": "FR",
        "city": "Lille",
        "contact_name": "Julie Lefèvre",
        "contact_email": "jeunesse@mairie-lille.demo",
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
    ("coordinator@lome-solidarite.demo", "Kafui Lawson", "fr", None, "Association Lomé Solidarité"),
    ("ama@volontaire.demo", "Ama Koffi", "fr", None, None),
    ("kossi@volontaire.demo", "Kossi Adjo", "en", None, None),
    ("efua@volontaire.demo", "Efua Mensah", "fr", None, None),
    ("yao@volontaire.demo", "Yao Amegah", "fr", None, None),
    ("sena@volontaire.demo", "Sena Dossou", "fr", None, None),
    ("kodjo@volontaire.demo", "Kodjo Akakpo", "en", None, None),
    ("akouvi@volontaire.demo", "Akouvi Tchala", "fr", None, None),
    ("mawuli@volontaire.demo", "Mawuli Kpodar", "fr", None, None),
    # Before the selection committee: applied in 2025 already, and again now.
    ("edem@volontaire.demo", "Edem Kodjovi", "fr", None, None),
    ("abla@volontaire.demo", "Abla Bawa", "fr", None, None),
    ("komi@volontaire.demo", "Komi Tchalla", "fr", None, None),
    # Back from Dakar: her certificate, her follow-up questionnaire answered.
    ("afiwa@volontaire.demo", "Afiwa Sodji", "fr", None, None),
]

# (title, theme slug, country, city, direction, host partner, months from now, languages)
MISSIONS = [
    (
        "Sensibilisation au tri des déchets dans les quartiers",
        "ecologie",
        "FR",
        "Lyon",
        Direction.OUTGOING,
        "France Volontaires",
        10,
        [("fr", "B2")],
    ),
    (
        "Prévention santé auprès des jeunes",
        "sante",
        "FR",
        "Marseille",
        Direction.OUTGOING,
        "France Volontaires",
        10,
        [("fr", "B2")],
    ),
    (
        "Accompagnement scolaire et lutte contre le décrochage",
        "decrochage-scolaire",
        "FR",
        "Lille",
        Direction.OUTGOING,
        "France Volontaires",
        10,
        [("fr", "C1")],
    ),
    (
        "Éducation à la solidarité internationale dans les lycées",
        "solidarite-internationale",
        "FR",
        "Rennes",
        Direction.OUTGOING,
        "France Volontaires",
        10,
        [("fr", "B2"), ("en", "A2")],
    ),
    (
        "Jardins partagés et alimentation durable",
        "ecologie",
        "BE",
        "Bruxelles",
        Direction.OUTGOING,
        "France Volontaires",
        11,
        [("fr", "B2")],
    ),
    (
        "Animation d'un chantier de solidarité à Kara",
        "decrochage-scolaire",
        "TG",
        "Kara",
        Direction.INCOMING,
        "Association Lomé Solidarité",
        9,
        [("fr", "B1")],
    ),
]
CALL_TITLE = "VIR 2026 — France — Service Civique"


def _demo_pdf() -> bytes:
    """A real one-page PDF (previews render it), blank: the demo's documents are placeholders."""
    output = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4
    writer.write(output)
    return output.getvalue()


PDF = _demo_pdf()


def _marks(total: int) -> dict[str, int]:
    """Marks of the default grid (four criteria out of 5) that add up to `total` out of 20."""
    keys = ("motivation", "experience", "skills", "languages")
    base, extra = divmod(total, 4)
    return {key: base + (1 if index < extra else 0) for index, key in enumerate(keys)}


# Volunteers' files: (e-mail, birth date, months of experience, submit the application?)
VOLUNTEER_FILES = [
    ("ama@volontaire.demo", date(2003, 5, 17), 30, True),
    ("efua@volontaire.demo", date(2002, 11, 2), 26, True),
    ("yao@volontaire.demo", date(1999, 1, 20), 36, True),  # too old: shown as not eligible
    ("kossi@volontaire.demo", date(2004, 8, 9), 12, False),  # a draft, profile half done
    ("sena@volontaire.demo", date(2001, 2, 14), 40, True),  # proposed to France Volontaires
    ("kodjo@volontaire.demo", date(2002, 7, 3), 28, True),  # proposed to France Volontaires
    ("akouvi@volontaire.demo", date(2001, 9, 12), 32, True),  # selected: her mobility file
    ("mawuli@volontaire.demo", date(2003, 1, 25), 27, True),  # returned for correction
    ("edem@volontaire.demo", date(2002, 3, 8), 34, True),  # before the committee
    ("abla@volontaire.demo", date(2003, 10, 21), 30, True),  # before the committee, diaspora
    ("komi@volontaire.demo", date(2001, 12, 1), 38, True),  # before the committee
    ("afiwa@volontaire.demo", date(2000, 4, 2), 36, False),  # back from her mission
]
# Where the committee's volunteers live: (e-mail, gender, region, status, country).
COMMITTEE_PROFILES = [
    ("edem@volontaire.demo", "male", "kara", "togolese_resident", "TG"),
    ("abla@volontaire.demo", "female", "", "togolese_diaspora", "FR"),
    ("komi@volontaire.demo", "male", "plateaux", "togolese_resident", "TG"),
    ("efua@volontaire.demo", "female", "maritime", "togolese_resident", "TG"),
]
KPALIME = "Centre de santé communautaire de Kpalimé"
COHORT_EMAIL = "cohorte-2025-%02d@volontaire.demo"
PAST_CALL_TITLE = "VIR 2026 — Belgique (premier appel)"
OUTSIDE_MEMBER = (
    "Jean-Paul Durand",
    "jp.durand@france-volontaires.demo",
    "Chargé de mission, France Volontaires",
)
CONTINGENT_NAME = "VIR 2026 — France — premier contingent"
# (French, English, who, document, date, days before departure, workshop)
FRANCE_CHECKLIST = [
    ("Passeport valide", "Valid passport", ItemOwner.VOLUNTEER, True, False, 60, False),
    ("Rendez-vous de visa", "Visa appointment", ItemOwner.VOLUNTEER, False, True, 45, False),
    ("Visa obtenu", "Visa granted", ItemOwner.VOLUNTEER, True, False, 21, False),
    (
        "Certificat médical d'aptitude",
        "Medical fitness certificate",
        ItemOwner.VOLUNTEER,
        True,
        False,
        30,
        False,
    ),
    ("Assurance santé souscrite", "Health insurance", ItemOwner.PARTNER, False, True, 21, False),
    ("Billets d'avion", "Flight tickets", ItemOwner.ANVT, False, True, 14, False),
    (
        "Atelier de préparation au départ",
        "Pre-departure workshop",
        ItemOwner.ANVT,
        False,
        False,
        10,
        True,
    ),
]


class Command(BaseCommand):
    help = "Create the demo data set (themes, partners, staff, volunteers). Safe to run twice."

    def handle(self, *args, **options):
        # The jobs and e-mails the seed triggers run when its transaction commits, before the
        # logins are printed, so that the logins end the output.
        self._seed()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Mot de passe des volontaires de démonstration : {DEMO_PASSWORD}")
        User = get_user_model()
        invited = []
        for email, name, _language, group, partner in PEOPLE:
            role = group or (f"partenaire · {partner}" if partner else None)
            role = role or ("administrateur" if email.startswith("admin@") else "volontaire")
            self.stdout.write(f"  {email:<40} {name:<22} {role}")
            user = User.objects.get(email=email)
            if must_use_mfa(user) and not has_mfa(user):
                invited.append((email, invitation_link(user)))
        for member in CommitteeMember.objects.filter(
            user__isnull=True, session__status=SessionStatus.OPEN
        ):
            self.stdout.write(
                f"Lien du membre extérieur du comité ({member.name}, sans compte) : "
                f"{settings.SITE_URL}{links.home_path(member)}"
            )
        for request in AttestationRequest.objects.filter(answered_at__isnull=True).exclude(
            secret=""
        ):
            self.stdout.write(
                f"Lien du ou de la référent·e ({request.experience.referee_name}, sans compte) : "
                f"{settings.SITE_URL}{attestations.link_path(request)}"
            )
        for placement in Placement.objects.filter(status=PlacementStatus.HOST_PENDING):
            self.stdout.write(
                f"Lien de la structure d'accueil ({placement.host.name}, sans compte) : "
                f"{settings.SITE_URL}{hostlinks.link_path(placement)}"
            )
        if getattr(self, "demo_key", ""):
            self.stdout.write(
                f"Clé d'API de démonstration (France Volontaires, lecture et écriture) : "
                f"{self.demo_key}  — essayez : curl -H 'Authorization: Bearer {self.demo_key}' "
                f"{settings.SITE_URL}/api/v1/placements"
            )
        if invited:
            self.stdout.write(
                "Comptes de l'équipe et des partenaires : ouvrez leur lien d'invitation pour "
                "choisir le mot de passe et activer la double authentification :"
            )
            for email, link in invited:
                self.stdout.write(f"  {email:<40} {link}")

    @transaction.atomic
    def _seed(self):
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
                # Staff and partners are invited (accounts/invitations.py): no password before
                # their two-factor authentication.
                if group or partner or email.startswith("admin@"):
                    user.set_unusable_password()
                else:
                    user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if group:
                user.groups.add(Group.objects.get_or_create(name=group)[0])
            if partner:
                PartnerMembership.objects.get_or_create(
                    user=user,
                    defaults={
                        "organisation": partners[partner],
                        "role": MembershipRole.COORDINATOR,
                    },
                )

        missions = self._missions(partners)
        call = self._call(missions)
        for email, birth_date, months, submit in VOLUNTEER_FILES:
            self._volunteer(User.objects.get(email=email), call, birth_date, months, submit)
        self._checklist()
        self._sms_numbers()
        self._contingent(call, partners["France Volontaires"])
        self._things_to_fix(call)
        self._reciprocity(partners)
        self._incoming(partners["Association Lomé Solidarité"])
        self._committee(call, missions)
        self._attestations()
        self._alumni(partners["France Volontaires"])
        self._cohort_2025(partners["France Volontaires"])
        self._partner_api(partners["France Volontaires"])

    def _partner_api(self, partner):
        """France Volontaires' information system: a key (printed at the end; the demo's only
        fixed key, DEBUG only), its calls in the audit trail, a revoked key, and a webhook
        address with deliveries sent and failed, as its page shows them."""
        if ApiToken.objects.filter(organisation=partner).exists():
            return
        coordinator = get_user_model().objects.get(email="coordinator@france-volontaires.demo")
        now = timezone.now()
        # The README's fixed key only on a development machine; anywhere else, a random one.
        self.demo_key = DEMO_API_KEY if settings.DEBUG else f"anvt_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            organisation=partner,
            name="PLATO (démonstration)",
            scope=TokenScope.WRITE,
            prefix=self.demo_key[:12],
            digest=ApiToken.digest_of(self.demo_key),
            created_by=coordinator,
            created_at=now - timedelta(days=20),
            expires_at=now + timedelta(days=70),
            last_used_at=now - timedelta(hours=2),
        )
        ApiToken.objects.create(
            organisation=partner,
            name="Ancien tableau de bord",
            scope=TokenScope.READ,
            prefix="anvt_x7Qm2p",
            digest=ApiToken.digest_of("anvt_revoked-demo-key"),
            created_by=coordinator,
            created_at=now - timedelta(days=200),
            expires_at=now + timedelta(days=165),
            revoked_at=now - timedelta(days=30),
            revoked_by=coordinator,
        )
        for path, status in (("/api/v1/placements", 200), ("/api/v1/incoming", 200)):
            ApiCall.objects.create(
                organisation=partner,
                token=token,
                token_name=token.name,
                actor=coordinator,
                method="GET",
                path=path,
                status=status,
                created_at=now - timedelta(hours=2),
            )
        endpoint = WebhookEndpoint.objects.create(
            organisation=partner,
            url="https://plato.example.org/anvt/webhooks",
            secret_encrypted=stored_secrets.encrypt("whsec_demo-secret-not-for-production"),
            created_by=coordinator,
            created_at=now - timedelta(days=20),
        )
        for placement, state, error in zip(
            Placement.objects.for_partner(partner).order_by("-pk")[:3],
            (State.SENT, State.FAILED, State.SENT),
            ("", "answered 503", ""),
            strict=False,
        ):
            row = webhooks.queue(
                [endpoint],
                event="placement.proposed",
                data={"placement": placement.pk, "status": placement.status},
                key=f"demo:{placement.pk}",
            )[0]
            Notification.objects.filter(pk=row.pk).update(
                state=state,
                attempts=settings.WEBHOOK_MAX_ATTEMPTS if error else 1,
                last_error=error,
                created_at=now - timedelta(days=3),
                sent_at=None if error else now - timedelta(days=3) + timedelta(seconds=1),
            )

    def _alumni(self, partner):
        """Afiwa's mission in Dakar, over five months ago: her certificate issued, the
        questionnaires written, the one of 3 months sent and answered."""
        if Questionnaire.objects.exists():
            return
        User = get_user_model()
        manager = User.objects.get(email="manager@anvt.demo")
        coordinator = User.objects.get(email="coordinator@france-volontaires.demo")
        afiwa = User.objects.get(email="afiwa@volontaire.demo")
        today = timezone.localdate()
        now = timezone.now()
        mission = Mission.objects.create(
            title="Éducation à la santé dans les écoles de Dakar",
            description="Ateliers de prévention avec les enseignant·e·s de quartier.",
            theme=Theme.objects.get(slug="sante"),
            direction=Direction.OUTGOING,
            partner=partner,
            country="SN",
            city="Dakar",
            start_date=today - timedelta(days=460),
            end_date=today - timedelta(days=175),
            seats=1,
            status=MissionStatus.PUBLISHED,
        )
        call = Call.objects.create(
            title="VIR 2025 — Sénégal",
            description="Une mission de santé scolaire à Dakar.",
            opens_at=now - timedelta(days=560),
            closes_at=now - timedelta(days=520),
        )
        call.missions.set([mission])
        application = Application.objects.create(
            volunteer=afiwa,
            call=call,
            motivation="Transmettre ce que j'ai appris en santé communautaire à Sokodé.",
            status="shortlisted",
            submitted_at=call.closes_at - timedelta(days=2),
            share_documents=True,
        )
        application.choices.create(mission=mission, rank=1)
        contingent = services.create_contingent(
            actor=manager, call=call, partner=partner, name="VIR 2025 — Sénégal", capacity=1
        )
        placement = services.add_to_contingent(
            contingent, actor=manager, application=application, mission=mission
        )
        services.send_contingent(contingent, actor=manager)
        placement.refresh_from_db()
        services.confirm_placement(placement, actor=coordinator)
        placement.refresh_from_db()
        services.record_departure(placement, actor=coordinator, on=today - timedelta(days=460))
        services.record_arrival(placement, actor=coordinator, on=today - timedelta(days=459))
        services.record_return(placement, actor=coordinator, on=today - timedelta(days=175))
        Mission.objects.filter(pk=mission.pk).update(status=MissionStatus.CLOSED)
        # Her passport, kept six months after her return: she is told it goes in eight days.
        Document.objects.create(
            volunteer=afiwa,
            kind="passport",
            file=ContentFile(PDF, name="passport.pdf"),
            original_name="passport.pdf",
            content_type="application/pdf",
            size=len(PDF),
            expiry_date=date(2030, 5, 1),
        )
        # Her story happened then: its history says so (the seed writes it today).
        StatusChange.objects.filter(
            content_type__model="application", object_id=application.pk
        ).update(created_at=now - timedelta(days=175))
        questions = {
            3: [
                ("Que faites-vous aujourd'hui ?", "choice",
                 ["Un emploi", "Des études ou une formation", "Je cherche un emploi", "Autre"]),
                ("Êtes-vous toujours engagé·e comme volontaire ?", "choice",
                 ["Oui, chaque semaine", "De temps en temps", "Non"]),
                ("Utilisez-vous ce que la mission vous a appris ?", "scale", []),
                ("Un mot pour les volontaires qui partent ?", "text", []),
            ],
            6: [
                ("Que faites-vous aujourd'hui ?", "choice",
                 ["Un emploi", "Des études ou une formation", "Je cherche un emploi", "Autre"]),
                ("Utilisez-vous ce que la mission vous a appris ?", "scale", []),
            ],
            12: [
                ("Que faites-vous aujourd'hui ?", "choice",
                 ["Un emploi", "Des études ou une formation", "Je cherche un emploi", "Autre"]),
                ("Avez-vous lancé ou rejoint un projet au Togo ?", "choice", ["Oui", "Non"]),
                ("Utilisez-vous ce que la mission vous a appris ?", "scale", []),
            ],
        }  # fmt: skip
        for months, rows in questions.items():
            questionnaire = Questionnaire.objects.create(
                months_after=months,
                title=f"{months} mois après votre mission",
                intro="Deux minutes pour nous dire ce que vous devenez.",
            )
            followup.save_questions(
                questionnaire,
                actor=manager,
                rows=[{"text": t, "kind": k, "choices": c} for t, k, c in rows],
            )
        followup.send_due(today)
        three = FollowUp.objects.get(placement=placement, questionnaire__months_after=3)
        first, engaged, used, word = three.questionnaire.questions.all()
        followup.answer(
            three,
            {
                first.pk: "Des études ou une formation",
                engaged.pk: "Oui, chaque semaine",
                used.pk: "4",
                word.pk: "Apprenez la langue du quartier avant de partir.",
            },
        )
        retention.run(today)

    def _reciprocity(self, partners):
        """Issue 21: the host structures of Togo in ANVT's registry (one verified, one whose
        verification lapsed, one never verified), France Volontaires' agreements, and a
        volunteer it declares at the lapsed host: flagged, the managers told."""
        if PartnerOrganisation.objects.filter(name=KPALIME).exists():
            return
        User = get_user_model()
        manager = User.objects.get(email="manager@anvt.demo")
        today = timezone.localdate()
        lome = partners["Association Lomé Solidarité"]
        reciprocity_services.save_host(
            lome,
            actor=manager,
            values={
                "region": "grand_lome",
                "legal_form": "association",
                "registration_number": "Récépissé n° 0457/MATDCL-SG-DAPSC",
                "contact_name": "Kafui Lawson",
                "contact_phone": "+22890112233",
            },
        )
        reciprocity_services.verify_host(
            lome,
            actor=manager,
            verified_on=today - timedelta(days=200),
            valid_until=today + timedelta(days=530),
            note="Récépissé, statuts et locaux vus ; référente : Kafui Lawson.",
        )
        kpalime = reciprocity_services.save_host(
            None,
            actor=manager,
            values={
                "name": KPALIME,
                "region": "plateaux",
                "city": "Kpalimé",
                "legal_form": "association",
                "contact_name": "Yawo Adjavon",
                "contact_email": "contact@sante-kpalime.demo",
                "active": True,
            },
        )
        reciprocity_services.verify_host(
            kpalime,
            actor=manager,
            verified_on=today - timedelta(days=800),
            valid_until=today - timedelta(days=35),
            note="Visite du centre ; agrément du ministère de la Santé.",
        )
        reciprocity_services.save_host(
            None,
            actor=manager,
            values={
                "name": "Jeunesse Active des Savanes",
                "region": "savanes",
                "city": "Dapaong",
                "legal_form": "ngo",
                "contact_name": "Lardja Bawa",
                "active": True,
            },
        )
        fv = partners["France Volontaires"]
        for reference, starts, ends, countries, sent, received in (
            ("CONV-FV-2022", date(2022, 1, 1), date(2024, 12, 31), ["FR"], 8, 6),
            ("CONV-FV-2025", date(2025, 1, 1), date(2027, 12, 31), ["FR", "SN", "BE"], 12, 12),
        ):
            reciprocity_services.save_agreement(
                None,
                actor=manager,
                partner=fv,
                values={
                    "reference": reference,
                    "starts_on": starts,
                    "ends_on": ends,
                    "countries": countries,
                    "quota_sent": sent,
                    "quota_received": received,
                    "note": "Convention de réciprocité ANVT – France Volontaires.",
                },
            )
        services.save_incoming(
            None,
            actor=User.objects.get(email="coordinator@france-volontaires.demo"),
            organisation=fv,
            values={
                "first_name": "Léa",
                "last_name": "Moreau",
                "nationality": "FR",
                "birth_date": date(2002, 3, 14),
                "passport_number": "21FR77310",
                "sending_organisation": "France Volontaires",
                "host_structure": kpalime,
                "region": "plateaux",
                "theme": Theme.objects.get(slug="ecologie"),
                "arrival_date": today + timedelta(days=40),
                "departure_date": today + timedelta(days=40 + 300),
                "emergency_contact_name": "Hélène Moreau",
                "emergency_contact_phone": "+33698765432",
            },
        )

    def _cohort_2025(self, partner):
        """The whole 2025 cohort of the Senegal call, as the public figures and the ledger
        count it: 44 applicants (bulk-written, no account to sign in to), 10 of whom left with
        France Volontaires, and 14 French, Belgian, Canadian and Swiss volunteers received in
        Lomé that year."""
        if get_user_model().objects.filter(email=COHORT_EMAIL % 1).exists():
            return
        call = Call.objects.get(title="VIR 2025 — Sénégal")
        mission = call.missions.get()
        lome = PartnerOrganisation.objects.get(name="Association Lomé Solidarité")
        User = get_user_model()
        users = User.objects.bulk_create(
            User(
                email=COHORT_EMAIL % n,
                name=f"Volontaire 2025 n° {n}",
                password="!",  # no password: these accounts only carry the figures
                is_active=False,
            )
            for n in range(1, 45)
        )
        regions = ["grand_lome"] * 14 + ["maritime"] * 6 + ["plateaux"] * 7 + ["centrale"] * 5
        regions += ["kara"] * 6 + ["savanes"] * 2 + [""] * 4
        VolunteerProfile.objects.bulk_create(
            VolunteerProfile(
                user=user,
                first_name=f"Volontaire {index + 1}",
                last_name="Cohorte 2025",
                gender=["female", "male"][index % 2] if index != 43 else "undisclosed",
                region=regions[(index * 7) % 44],
                nationality_status="togolese_diaspora"
                if regions[(index * 7) % 44] == ""
                else "togolese_resident",
                birth_date=date(2001 + index % 4, 1 + index % 12, 1 + index % 28),
            )
            for index, user in enumerate(users)
        )
        # 9 completed, 1 interrupted, 2 selected who did not leave, 8 on the waiting list,
        # 10 not retained, 14 not eligible.
        statuses = ["completed"] * 9 + ["interrupted"] + ["selected"] * 2 + ["waitlisted"] * 8
        statuses += ["rejected"] * 10 + ["ineligible"] * 14
        submitted = call.closes_at - timedelta(days=3)
        applications = Application.objects.bulk_create(
            Application(
                volunteer=user,
                call=call,
                status=statuses[index],
                submitted_at=submitted,
                decided_at=submitted + timedelta(days=30),
                motivation="Candidature de la cohorte 2025.",
            )
            for index, user in enumerate(users)
        )
        departed = [a for a in applications if a.status in ("completed", "interrupted")]
        contingent = Contingent.objects.create(
            call=call,
            partner=partner,
            name="VIR 2025 — Sénégal (cohorte)",
            capacity=len(departed),
            seats_taken=len(departed),
            status="completed",
            planned_departure=mission.start_date,
        )
        Placement.objects.bulk_create(
            Placement(
                contingent=contingent,
                application=application,
                volunteer_id=application.volunteer_id,
                mission=mission,
                status=application.status,
                actual_departure=mission.start_date,
                arrival_date=mission.start_date + timedelta(days=1),
                return_date=mission.end_date
                if application.status == "completed"
                else mission.start_date + timedelta(days=60),
                interruption_reason=""
                if application.status == "completed"
                else "Raison de santé dans la famille.",
            )
            for application in departed
        )
        themes = list(Theme.objects.order_by("position"))
        start = date(call.closes_at.year, 2, 1)
        IncomingVolunteer.objects.bulk_create(
            IncomingVolunteer(
                partner=partner,
                first_name=f"Volontaire {n}",
                last_name="Accueil 2025",
                nationality=nationality,
                birth_date=date(2000, 1 + n % 12, 10),
                passport_number=f"25AC{n:05d}",
                sending_organisation=partner.name,
                host_structure=lome,
                region="grand_lome",
                theme=themes[n % len(themes)],
                arrival_date=start + timedelta(days=9 * n),
                departure_date=start + timedelta(days=9 * n + 120),
                emergency_contact_name="Contact d'urgence",
                emergency_contact_phone="+33612345678",
                status="completed",
            )
            for n, nationality in enumerate(["FR"] * 8 + ["BE"] * 3 + ["CA"] * 2 + ["CH"])
        )

    def _attestations(self):
        """Every experience names its referee. Efua's host attested hers, Edem's corrected the
        dates, Ama's request waits (its link is printed)."""
        if AttestationRequest.objects.exists():
            return
        referees = {
            "ama@volontaire.demo": ("Kossi Agbeko", "Coordinateur", "kossi.agbeko@anvt-kara.demo"),
            "efua@volontaire.demo": ("Mawuena Ahadji", "Directrice", "m.ahadji@croixrouge.demo"),
            "edem@volontaire.demo": ("Yao Kpeglo", "Président", "yao.kpeglo@asso-kara.demo"),
        }
        for experience in Experience.objects.filter(volunteer__email__in=referees):
            name, role, email = referees[experience.volunteer.email]
            experience.referee_name, experience.referee_role = name, role
            experience.referee_email = email
            experience.save()
            request = attestations.ask(experience, actor=experience.volunteer)
            if experience.volunteer.email == "efua@volontaire.demo":
                attestations.answer(request, request.secret, answer="confirmed", name=name)
            elif experience.volunteer.email == "edem@volontaire.demo":
                attestations.answer(
                    request,
                    request.secret,
                    answer="corrected",
                    name=f"{name}, {role.lower()}",
                    organisation=experience.organisation,
                    role="Animateur et trésorier",
                    start=experience.start_date - timedelta(days=90),
                    end=experience.end_date,
                    comment="Engagé avant la date qu'il indique, dès la rentrée.",
                )

    def _committee(self, call, missions):
        """The selection committee: the session of an earlier call closed with its minutes, and
        this call's sitting, its members' conflicts declared, marks given, three decisions taken,
        two left."""
        if CommitteeSession.objects.exists():
            return
        User = get_user_model()
        manager = User.objects.get(email="manager@anvt.demo")
        reviewer = User.objects.get(email="reviewer@anvt.demo")
        for email, gender, region, status, country in COMMITTEE_PROFILES:
            VolunteerProfile.objects.filter(user__email=email).update(
                gender=gender,
                region=region,
                nationality_status=status,
                country_of_residence=country,
            )
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        selection_services.set_targets(
            call,
            actor=manager,
            targets={
                ("gender", "female"): 50,
                ("gender", "male"): 40,
                ("residence", "diaspora"): 20,
                ("theme", "ecologie"): 40,
            },
        )
        if "ecologie" not in themes:
            return
        # An earlier call: three of them before its committee, which closed with its minutes.
        now = timezone.now()
        past = Call.objects.create(
            title=PAST_CALL_TITLE,
            description="Missions en Belgique, premier appel de l'année.",
            opens_at=now - timedelta(days=200),
            closes_at=now - timedelta(days=150),
        )
        past.missions.set([m for m in missions if m.country == "BE"])
        past_people = ["edem@volontaire.demo", "abla@volontaire.demo", "komi@volontaire.demo"]
        past_ids = []
        for email in past_people:
            application = Application.objects.create(
                volunteer=User.objects.get(email=email),
                call=past,
                motivation="Partager l'expérience du volontariat national en Belgique.",
                status="submitted",
                submitted_at=past.closes_at - timedelta(days=3),
                share_documents=True,
            )
            application.choices.create(mission=past.missions.first(), rank=1)
            past_ids.append(application.pk)
        checking.check_applications(past_ids, job="seed_demo")
        session = selection_services.create_session(
            actor=manager,
            call=past,
            title="Comité de sélection VIR 2026 — Belgique",
            held_at=past.closes_at + timedelta(days=10),
            place="Lomé, siège de l'ANVT",
            quorum=2,
            staff=[manager, reviewer],
            chair=manager,
        )
        members = list(session.members.all())
        selection_services.set_attendance(
            session, actor=manager, present={member.pk for member in members}
        )
        applications = list(session.applications.order_by("pk"))
        for member, marks in zip(members, ((16, 12, 14), (15, 11, 13)), strict=True):
            for application, total in zip(applications, marks, strict=True):
                selection_services.declare(member, application, conflict=False)
                selection_services.mark(member, application, scores=_marks(total))
        edem, abla, komi = applications
        for application, outcome, reason, comment, rank in (
            (edem, "waitlisted", "seats", "Premier sur la liste si une place se libère.", 1),
            (abla, "not_selected", "language", "Anglais à consolider pour la mission.", None),
            (komi, "not_selected", "below_threshold", "", None),
        ):
            selection_services.decide(
                session,
                application,
                actor=manager,
                outcome=outcome,
                reason=reason,
                comment=comment,
                rank=rank,
            )
        selection_services.close_session(session, actor=manager)

        # This call: the five eligible applicants before the committee, which sits today.
        people = ["ama@volontaire.demo", "efua@volontaire.demo", *past_people]
        current = list(
            Application.objects.filter(call=call, volunteer__email__in=people).order_by("pk")
        )
        checking.check_applications([a.pk for a in current], job="seed_demo")
        session = selection_services.create_session(
            actor=manager,
            call=call,
            title="Comité de sélection VIR 2026 — France",
            held_at=now - timedelta(hours=1),
            place="Lomé, siège de l'ANVT",
            quorum=2,
            staff=[manager, reviewer],
            chair=reviewer,
        )
        name, email, quality = OUTSIDE_MEMBER
        outside = selection_services.add_external_member(
            session, actor=manager, name=name, email=email, quality=quality
        )
        members = list(session.members.exclude(pk=outside.pk))
        selection_services.set_attendance(
            session, actor=manager, present={m.pk for m in [*members, outside]}
        )
        by_email = {a.volunteer.email: a for a in session.applications.select_related("volunteer")}
        komi = by_email["komi@volontaire.demo"]
        marks = {
            "ama@volontaire.demo": (17, 16, 18),
            "efua@volontaire.demo": (14, 15, 13),
            "edem@volontaire.demo": (15, 14, 16),
            "abla@volontaire.demo": (16, 17, 15),
            "komi@volontaire.demo": (13, 12, None),
        }
        marked_by_outside = {"ama@volontaire.demo", "abla@volontaire.demo", "edem@volontaire.demo"}
        for index, member in enumerate([*members, outside]):
            for email, application in by_email.items():
                # Komlan runs the same association as Komi: he declares it, and marks no one
                # else's file the less.
                conflict = member.user == reviewer and application == komi
                selection_services.declare(
                    member,
                    application,
                    conflict=conflict,
                    kind="association" if conflict else "",
                    detail="Même association de quartier à Atakpamé" if conflict else "",
                )
                total = marks[email][index]
                # The outside member has read three files so far.
                read = member != outside or email in marked_by_outside
                if not conflict and total is not None and read:
                    selection_services.mark(member, application, scores=_marks(total))
        for email, outcome, reason, rank in (
            ("ama@volontaire.demo", "selected", "strong_file", None),
            ("abla@volontaire.demo", "selected", "balance", None),
            ("komi@volontaire.demo", "waitlisted", "seats", 1),
        ):
            selection_services.decide(
                session,
                by_email[email],
                actor=manager,
                outcome=outcome,
                reason=reason,
                rank=rank,
            )

    def _sms_numbers(self):
        """Akouvi and Kodjo receive their application news by SMS too (the console backend
        writes them to the log), and Akouvi has asked her status by SMS once."""
        User = get_user_model()
        for email, number, families in (
            ("akouvi@volontaire.demo", "+22890000007", ("applications", "reminders")),
            ("kodjo@volontaire.demo", "+22890000006", ("applications",)),
        ):
            user = User.objects.get(email=email)
            _row, created = SmsNumber.objects.get_or_create(
                user=user, defaults={"number": number, "verified_at": timezone.now()}
            )
            if created:
                notification_services.set_sms_families(user, wanted=set(families))

    def _things_to_fix(self, call):
        """Mawuli's application is returned for correction, and one of Yao's experiences is
        refused: each is told what to fix, with the link to fix it."""
        User = get_user_model()
        manager = User.objects.get(email="manager@anvt.demo")
        mawuli = Application.objects.get(volunteer__email="mawuli@volontaire.demo", call=call)
        if mawuli.status == "submitted":
            checking.check_applications([mawuli.pk], job="seed_demo")
            mawuli.refresh_from_db()
        if mawuli.status == "eligible":
            services.start_review(mawuli, actor=manager)
            services.return_for_correction(
                mawuli,
                actor=manager,
                reason="Votre lettre de motivation ne cite pas les missions choisies : "
                "précisez pourquoi elles vous intéressent.",
            )
        experience = Experience.objects.filter(volunteer__email="yao@volontaire.demo").first()
        if experience is not None and experience.verification_status == "declared":
            services.set_verification(
                experience,
                actor=manager,
                verified=False,
                reason="L'attestation ne donne pas les dates de la mission : demandez-en une "
                "qui les précise.",
            )
        # A replayed id is ignored: a second run sends nothing.
        inbound.receive(
            inbound.Inbound(provider_id="demo-statut-1", from_number="+22890000007", text="STATUT"),
            answers={"STATUT": services.send_status_by_sms},
        )

    def _contingent(self, call, partner):
        """A contingent sent to France Volontaires, with two placements to confirm."""
        if Contingent.objects.filter(name=CONTINGENT_NAME).exists():
            return
        User = get_user_model()
        manager = User.objects.get(email="manager@anvt.demo")
        contingent = services.create_contingent(
            actor=manager, call=call, partner=partner, name=CONTINGENT_NAME, capacity=4
        )
        reviewer = User.objects.get(email="reviewer@anvt.demo")
        for email in ("sena@volontaire.demo", "kodjo@volontaire.demo"):
            application = Application.objects.get(volunteer__email=email, call=call)
            # The check after submission runs once the seed commits; these two need it now.
            checking.check_applications([application.pk], job="seed_demo")
            application.refresh_from_db()
            # Two reviews, the call's minimum before a shortlist: the partner reads their summary.
            for author, scores in ((reviewer, (4, 4, 3, 4)), (manager, (5, 4, 4, 3))):
                services.submit_review(
                    application,
                    reviewer=author,
                    scores=dict(zip(Review.SCORE_FIELDS, scores, strict=True)),
                    comment="Engagement solide, bonne expérience de terrain.",
                    recommendation=Recommendation.SELECT,
                )
            application.refresh_from_db()
            services.shortlist(application, actor=manager)
            services.add_to_contingent(
                contingent,
                actor=manager,
                application=application,
                mission=application.choices.order_by("rank").first().mission,
            )
        services.send_contingent(contingent, actor=manager)
        # France Volontaires has confirmed Kodjo: the host structure in Lille is asked in its
        # turn (its link is printed at the end); Sena still waits for France Volontaires.
        kodjo = contingent.placements.get(volunteer__email="kodjo@volontaire.demo")
        coordinator = User.objects.get(email="coordinator@france-volontaires.demo")
        services.confirm_placement(kodjo, actor=coordinator)
        self._selected_with_file(call, contingent, manager, reviewer, coordinator)

    def _selected_with_file(self, call, contingent, manager, reviewer, coordinator):
        """Akouvi, confirmed by every party for Marseille (no separate host): her mobility file
        half done, one piece refused, and a pre-departure workshop she said yes to."""
        application = Application.objects.get(volunteer__email="akouvi@volontaire.demo")
        checking.check_applications([application.pk], job="seed_demo")
        application.refresh_from_db()
        for author in (reviewer, manager):
            services.submit_review(
                application,
                reviewer=author,
                scores=dict.fromkeys(Review.SCORE_FIELDS, 4),
                comment="Très bon dossier.",
                recommendation=Recommendation.SELECT,
            )
        application.refresh_from_db()
        services.shortlist(application, actor=manager)
        mission = application.choices.get(rank=2).mission  # Marseille: the partner hosts
        placement = services.add_to_contingent(
            contingent, actor=manager, application=application, mission=mission
        )
        services.confirm_placement(placement, actor=coordinator)
        items = {item.template.label_fr: item for item in placement.mobility_items.all()}
        upload = SimpleUploadedFile("passeport.pdf", PDF, content_type="application/pdf")
        upload.checked_content_type = "application/pdf"
        volunteer = application.volunteer
        mobility_services.submit_item(items["Passeport valide"], actor=volunteer, upload=upload)
        mobility_services.verify_item(items["Passeport valide"], actor=manager)
        mobility_services.submit_item(
            items["Rendez-vous de visa"],
            actor=volunteer,
            date_value=timezone.localdate() + timedelta(days=12),
        )
        upload = SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf")
        upload.checked_content_type = "application/pdf"
        mobility_services.submit_item(
            items["Certificat médical d'aptitude"], actor=volunteer, upload=upload
        )
        mobility_services.refuse_item(
            items["Certificat médical d'aptitude"],
            actor=manager,
            reason="Le certificat doit dater de moins de trois mois.",
        )
        workshop = mobility_services.create_workshop(
            contingent,
            actor=manager,
            starts_at=timezone.now() + timedelta(days=20),
            place="ANVT, Lomé — salle de conférence",
            seats=20,
        )
        mobility_services.answer_invitation(
            workshop.invitations.get(placement=placement), actor=volunteer, coming=True
        )

    def _checklist(self):
        """France's checklist; a new country starts from a copy of it (staff's page)."""
        for position, (label_fr, label_en, owner, document, dated, days, workshop) in enumerate(
            FRANCE_CHECKLIST, start=1
        ):
            ChecklistItem.objects.get_or_create(
                country="FR",
                label_fr=label_fr,
                defaults={
                    "label_en": label_en,
                    "position": position,
                    "owner": owner,
                    "needs_document": document,
                    "needs_date": dated,
                    "days_before_departure": days,
                    "is_workshop": workshop,
                },
            )

    def _incoming(self, partner):
        """A French volunteer declared by the host structure in Lomé, validated, just arrived."""
        today = timezone.localdate()
        incoming, created = IncomingVolunteer.objects.get_or_create(
            passport_number="20FR45871",
            defaults={
                "partner": partner,
                "first_name": "Camille",
                "last_name": "Durand",
                "nationality": "FR",
                "birth_date": date(2001, 9, 22),
                "sending_organisation": "France Volontaires",
                "host_structure": partner,
                "region": "grand_lome",
                "theme": Theme.objects.get(slug="sante"),
                "arrival_date": today - timedelta(days=5),
                "departure_date": today + timedelta(days=270),
                "emergency_contact_name": "Marie Durand",
                "emergency_contact_phone": "+33612345678",
            },
        )
        if created:
            services.validate_incoming(
                incoming, actor=get_user_model().objects.get(email="manager@anvt.demo")
            )

    def _missions(self, partners):
        missions = self._create_missions(partners)
        # The structure that hosts the volunteers in Lille confirms each placement in its turn.
        Mission.objects.filter(city="Lille", host__isnull=True).update(
            host=partners["Mairie de Lille — Service jeunesse"]
        )
        return missions

    def _create_missions(self, partners):
        start = (timezone.localdate().replace(day=1) + timedelta(days=32 * 9)).replace(day=1)
        missions = []
        for title, theme, country, city, direction, partner, months, languages in MISSIONS:
            begins = (start + timedelta(days=31 * (months - 9))).replace(day=1)
            mission, created = Mission.objects.get_or_create(
                title=title,
                defaults={
                    "description": (
                        "Mission de proximité au contact des habitants, en équipe avec des "
                        "volontaires du pays d'accueil. Formation au départ et tutorat sur place."
                    ),
                    "theme": Theme.objects.get(slug=theme),
                    "direction": direction,
                    "partner": partners[partner],
                    "country": country,
                    "city": city,
                    "start_date": begins,
                    "end_date": begins + timedelta(days=270),
                    "seats": 2,
                    "status": MissionStatus.PUBLISHED,
                },
            )
            if created:
                MissionLanguage.objects.bulk_create(
                    MissionLanguage(mission=mission, language=code, level=level)
                    for code, level in languages
                )
            missions.append(mission)
        return missions

    def _call(self, missions):
        now = timezone.now()
        call, created = Call.objects.get_or_create(
            title=CALL_TITLE,
            defaults={
                "description": (
                    "Quatre missions de Service Civique en France et une en Belgique, "
                    "de neuf mois, pour de jeunes Togolais·es engagé·e·s dans le volontariat."
                ),
                "opens_at": now - timedelta(days=7),
                "closes_at": now + timedelta(days=30),
            },
        )
        if created:
            call.missions.set([m for m in missions if m.direction == Direction.OUTGOING])
            call.reviewers.add(get_user_model().objects.get(email="reviewer@anvt.demo"))
        return call

    def _volunteer(self, user, call, birth_date, months, submit):
        profile, created = VolunteerProfile.objects.get_or_create(user=user)
        if not created:
            return
        first, last = user.name.split(" ", 1)
        profile.first_name, profile.last_name = first, last
        profile.birth_date = birth_date
        profile.gender = "female" if first in ("Ama", "Efua", "Akouvi") else "male"
        profile.nationality_status = "togolese_resident"
        profile.country_of_residence = "TG"
        profile.region = "grand_lome"
        profile.city = "Lomé"
        if submit:
            profile.phone = "+22890000000"
            profile.education_level = "baccalaureate"
            profile.consent_at = timezone.now()
        profile.save()
        ProfileLanguage.objects.create(profile=profile, language="fr", level="C1")
        end = timezone.localdate() - timedelta(days=60)
        Experience.objects.create(
            volunteer=user,
            organisation="ANVT — volontariat national",
            programme="Volontariat national",
            role="Animateur·rice communautaire",
            country="TG",
            start_date=end - timedelta(days=round(months * 365 / 12)),
            end_date=end,
        )
        if not submit:
            return
        for kind in ("cv", "motivation_letter", "experience_certificate", "passport"):
            Document.objects.create(
                volunteer=user,
                kind=kind,
                file=ContentFile(PDF, name=f"{kind}.pdf"),
                original_name=f"{kind}.pdf",
                content_type="application/pdf",
                size=len(PDF),
                expiry_date=date(2031, 1, 1) if kind == "passport" else None,
            )
        application = Application.objects.create(
            volunteer=user, call=call, motivation="Je veux transmettre ce que j'ai appris au Togo."
        )
        services.choose_missions(application, actor=user, missions=list(call.missions.all()[:2]))
        services.submit_application(application, actor=user, share_documents=True)
