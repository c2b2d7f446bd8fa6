"""Secrets the portal must read back (a webhook's signing secret), encrypted at rest with the
keys of MFA_ENCRYPTION_KEYS (Fernet, newest key first: the first encrypts, every key decrypts),
as accounts/mfa.py does for two-factor secrets."""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    return _fernet().decrypt(stored.encode()).decode()
