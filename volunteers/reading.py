"""A volunteer's document as a reader receives it (staff, or a partner she shared it with):
downloaded, or previewed as an image, and each reading recorded in the audit trail that she
reads in "my data". Who may read which document is the caller's access helper."""

from django.http import Http404

from anvt.http import private_bytes_response, private_file_response
from audit.services import record_access
from volunteers.models import Document
from volunteers.uploads import preview_png


def download(document: Document, *, reader):
    response = private_file_response(document.file, document.original_name, document.content_type)
    record_access(reader, action="download", subject=document)
    return response


def preview(document: Document, *, reader):
    """An image of the document's first pages: nothing of the file itself reaches the browser."""
    try:
        png = preview_png(document.file, document.content_type)
    except (ValueError, FileNotFoundError) as exc:
        raise Http404 from exc
    record_access(reader, action="view", subject=document)
    return private_bytes_response(png, "image/png")
