"""Re-encrypt every two-factor secret under the newest key of MFA_ENCRYPTION_KEYS."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import mfa

# The field of each authenticator type's data that holds a secret.
SECRET_FIELDS = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}


class Command(BaseCommand):
    help = "Re-encrypt every TOTP secret and recovery-code seed under the newest key."

    def handle(self, *args, **options):
        rotated = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().filter(
                type__in=list(SECRET_FIELDS)
            ):
                field = SECRET_FIELDS[authenticator.type]
                value = authenticator.data.get(field)
                if not value:
                    continue
                authenticator.data[field] = mfa.rotate(value)
                authenticator.save(update_fields=["data"])
                rotated += 1
        self.stdout.write(f"{rotated} two-factor secrets re-encrypted under the newest key.")
