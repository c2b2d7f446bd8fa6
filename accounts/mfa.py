"""Two-factor secrets encrypted at rest, and the tools to rotate their key.

TOTP secrets and recovery-code seeds are encrypted with Fernet (AES-128-CBC + HMAC) under the keys
of MFA_ENCRYPTION_KEYS, newest first: the first key encrypts, every key decrypts (MultiFernet), so
a new key can be put in front and `manage.py rotate_mfa_secrets` re-encrypts every row under it
before the old key is removed. A secret stored before encryption was turned on is still read, and
is encrypted by the next rotation.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Fernet tokens start with the version byte 0x80, "gAAAAA" once encoded.
_TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(_TOKEN_PREFIX):
        return stored  # written before encryption at rest: read as it is, until rotated
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise InvalidToken(
            "A two-factor secret cannot be decrypted: is its key missing from MFA_ENCRYPTION_KEYS?"
        ) from exc


def rotate(stored: str) -> str:
    """The value encrypted under the newest key (plain legacy values are encrypted)."""
    if not stored.startswith(_TOKEN_PREFIX):
        return encrypt(stored)
    return _fernet().rotate(stored.encode()).decode()


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)
