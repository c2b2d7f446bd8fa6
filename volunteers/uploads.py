"""Checks of uploaded files by their content, never by their name alone.

Accepted: PDF, JPEG and PNG, at most settings.UPLOAD_MAX_BYTES. A file must start with the magic
bytes of its type, carry an extension of that type, and end as that type ends (which refuses most
polyglots: an archive or script appended to an image no longer ends like one). PDFs that carry
active content (JavaScript, launch actions, embedded files) are refused.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]
    magic: bytes
    trailer: bytes


TYPES = (
    FileType("application/pdf", (".pdf",), b"%PDF-", b"%%EOF"),
    FileType("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff", b"\xff\xd9"),
    FileType("image/png", (".png",), b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
)
PDF_ACTIVE_CONTENT = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
TRAILER_WINDOW = 1024


def check_upload(upload) -> str:
    """Validate an uploaded file; return its content type or raise ValidationError."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; le maximum est %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="too_large",
        )
    name = PurePosixPath(upload.name.replace("\\", "/")).name
    extension = PurePosixPath(name).suffix.lower()
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    kind = next((t for t in TYPES if content.startswith(t.magic)), None)
    if kind is None or upload.size == 0:
        raise ValidationError(
            _("Seuls les fichiers PDF, JPEG et PNG sont acceptés."), code="wrong_type"
        )
    if extension not in kind.extensions:
        raise ValidationError(
            _("Le nom du fichier ne correspond pas à son contenu (%(type)s).")
            % {"type": kind.content_type},
            code="wrong_extension",
        )
    if kind.trailer not in content[-TRAILER_WINDOW:]:
        raise ValidationError(
            _("Le fichier est incomplet ou contient autre chose qu'un document."),
            code="bad_structure",
        )
    if kind.content_type == "application/pdf" and any(m in content for m in PDF_ACTIVE_CONTENT):
        raise ValidationError(
            _(
                "Ce PDF contient du contenu actif (scripts, pièces jointes) : enregistrez-le à "
                "nouveau en PDF simple."
            ),
            code="active_content",
        )
    return kind.content_type


def safe_name(upload) -> str:
    """The file's own name, without any folder, for display only (never used on disk)."""
    return PurePosixPath(upload.name.replace("\\", "/")).name[:200] or "document"
