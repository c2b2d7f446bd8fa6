"""Checks of uploaded files by their content, never by their name alone.

Accepted: PDF, JPEG and PNG, at most settings.UPLOAD_MAX_BYTES. A file must start with the magic
bytes of its type, carry an extension of that type, and end as that type ends (which refuses most
polyglots: an archive or script appended to an image no longer ends like one).

PDFs are parsed (pypdf: names decoded, compressed object streams read) and refused when any
object carries JavaScript, an action other than a link, an embedded file, rich media or a form.
Images are decoded and re-encoded (Pillow): what is stored is only the picture, upright, without
its EXIF data (a phone's photo of an identity card carries the GPS position of the home) nor
anything appended to it.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


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
TRAILER_WINDOW = 1024
# Keys of a PDF dictionary that carry active content.
PDF_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
    }
)
# Form fields that can be filled in; a signature field (/Sig) is allowed: signed certificates.
PDF_FORM_FIELDS = frozenset({"/Tx", "/Btn", "/Ch"})
# Actions that run something, send something or open another file (links, /URI and /GoTo, are
# allowed: a CV links to a web page). "/S" names other things too (tags, masks), hence a list.
PDF_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/ResetForm",
        "/RichMediaExecute",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/Hide",
        "/GoTo3DView",
    }
)
# A larger picture is refused rather than decoded (a "decompression bomb").
MAX_IMAGE_PIXELS = 40_000_000


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
    if kind.content_type == "application/pdf" and _pdf_is_active(content):
        raise ValidationError(
            _(
                "Ce PDF contient du contenu actif (scripts, pièces jointes, formulaire) : "
                "enregistrez-le à nouveau en PDF simple."
            ),
            code="active_content",
        )
    return kind.content_type


def _bad_structure() -> ValidationError:
    return ValidationError(
        _("Le fichier est incomplet ou contient autre chose qu'un document."),
        code="bad_structure",
    )


def _pdf_is_active(content: bytes) -> bool:
    """Whether any object of the PDF carries active content (see the module's docstring)."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return True  # its objects cannot be read, so they cannot be checked
        return any(_active(obj) for obj in _objects(reader))
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise _bad_structure() from exc


def _objects(reader: PdfReader):
    """Every indirect object of the file, those in compressed object streams included."""
    numbers = {(num, gen) for gen, entries in reader.xref.items() for num in entries}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    yield reader.trailer
    for num, gen in sorted(numbers):
        yield reader.get_object(IndirectObject(num, gen, reader))


def _active(obj, depth: int = 0) -> bool:
    """Whether this object, or a direct object inside it, carries active content. Indirect
    references are not followed: every indirect object is checked on its own."""
    if isinstance(obj, IndirectObject):
        return False
    if depth > 50:
        return True  # nested deeper than any real document: refused rather than trusted
    if isinstance(obj, DictionaryObject):
        if PDF_ACTIVE_KEYS & set(obj.keys()) or obj.get("/S") in PDF_ACTIVE_ACTIONS:
            return True
        if obj.get("/FT") in PDF_FORM_FIELDS:
            return True  # a fillable field (a signature field, /Sig, is allowed)
        return any(_active(value, depth + 1) for value in obj.values())
    if isinstance(obj, ArrayObject):
        return any(_active(value, depth + 1) for value in obj)
    return False


def sanitised(upload, content_type: str):
    """The upload as it will be stored: images decoded and re-encoded (only the picture,
    upright, without EXIF nor appended bytes); PDFs as they came (checked by check_upload)."""
    if content_type == "application/pdf":
        return upload
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
            with Image.open(upload) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise _bad_structure() from exc
    output = io.BytesIO()
    if content_type == "image/jpeg":
        picture.convert("RGB").save(output, format="JPEG", quality=90, optimize=True)
    else:
        picture.save(output, format="PNG", optimize=True)
    clean = SimpleUploadedFile(upload.name, output.getvalue(), content_type=content_type)
    clean.checked_content_type = content_type
    return clean


def safe_name(upload) -> str:
    """The file's own name, without any folder, for display only (never used on disk)."""
    return PurePosixPath(upload.name.replace("\\", "/")).name[:200] or "document"


# Previews -----------------------------------------------------------------------------------------

PREVIEW_PAGES = 5
PREVIEW_WIDTH = 900


def preview_png(field_file, content_type: str) -> bytes:
    """What staff see of a document: a PNG of its first pages (PDF, rendered by PDFium) or of the
    picture, never the file itself, so that nothing in it runs in the staff member's browser.
    Raises ValueError when the file cannot be rendered."""
    with field_file.open("rb") as handle:
        content = handle.read()
    if content_type == "application/pdf":
        try:
            document = pdfium.PdfDocument(content)
        except pdfium.PdfiumError as exc:
            raise ValueError("unreadable PDF") from exc
        try:
            pages = []
            for index in range(min(len(document), PREVIEW_PAGES)):
                page = document[index]
                width, height = max(page.get_width(), 1), max(page.get_height(), 1)
                # A page no taller than two screens of preview, whatever its stated size.
                scale = min(PREVIEW_WIDTH / width, 2 * PREVIEW_WIDTH / height, 3)
                pages.append(page.render(scale=scale).to_pil().convert("RGB"))
        except pdfium.PdfiumError as exc:
            raise ValueError("unrenderable PDF") from exc
        finally:
            document.close()
        if not pages:
            raise ValueError("a PDF without pages")
        picture = Image.new(
            "RGB", (max(p.width for p in pages), sum(p.height + 8 for p in pages)), "white"
        )
        top = 0
        for page in pages:
            picture.paste(page, (0, top))
            top += page.height + 8
    else:
        try:
            with Image.open(io.BytesIO(content)) as image:
                picture = ImageOps.exif_transpose(image).convert("RGB")
                picture.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
        except (OSError, ValueError, SyntaxError) as exc:
            raise ValueError("unreadable picture") from exc
    output = io.BytesIO()
    picture.save(output, format="PNG", optimize=True)
    return output.getvalue()
