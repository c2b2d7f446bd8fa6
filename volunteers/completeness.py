"""What the volunteer still has to fill in, named so that the pages can say it and link to it."""

from django.utils.translation import gettext_lazy as _

STEPS = [
    ("identity", _("Identité")),
    ("contact", _("Coordonnées")),
    ("languages", _("Langues")),
    ("education", _("Études")),
    ("consent", _("Consentement")),
]

REQUIRED = {
    "identity": [
        ("first_name", _("vos prénoms")),
        ("last_name", _("votre nom")),
        ("birth_date", _("votre date de naissance")),
        ("gender", _("votre genre")),
        ("nationality_status", _("votre nationalité")),
    ],
    "contact": [
        ("country_of_residence", _("votre pays de résidence")),
        ("city", _("votre ville")),
        ("phone", _("votre téléphone")),
    ],
    "education": [("education_level", _("votre niveau d'études"))],
    "consent": [("consent_at", _("votre consentement au traitement des données"))],
}


def missing_items(profile, *, language_count: int) -> list[tuple[str, str]]:
    """(step, what is missing) for every required item still empty."""
    missing = [
        (step, label)
        for step, fields in REQUIRED.items()
        for name, label in fields
        if not getattr(profile, name)
    ]
    if profile.nationality_status == "togolese_resident" and not profile.region:
        missing.append(("contact", _("votre région")))
    if language_count == 0:
        missing.append(("languages", _("au moins une langue parlée")))
    order = [step for step, _label in STEPS]
    return sorted(missing, key=lambda item: order.index(item[0]))


def percent_complete(missing_count: int) -> int:
    total = sum(len(fields) for fields in REQUIRED.values()) + 1
    return round(100 * (total - min(missing_count, total)) / total)
