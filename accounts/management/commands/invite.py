"""Send (or send again) the invitation of a staff, partner or administrator account, and print
its link: the way in for an account made with createsuperuser, which cannot sign in with a
password alone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.invitations import invite
from anvt.errors import Refused


class Command(BaseCommand):
    help = "Invite a staff, partner or administrator account (prints the link)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        try:
            link = invite(user)
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(link)
