from django.apps import AppConfig


class PartnerSpaceConfig(AppConfig):
    """The partner agencies' side of the portal: pages scoped to one organisation (no models)."""

    name = "partner_space"
