"""Real PDF, JPEG and PNG files for the tests, made here: uploads are parsed and decoded, so a
few magic bytes no longer pass for a document."""

import io
import zlib

from PIL import Image


def _pdf(objects: dict[int, bytes], *, root: int = 1) -> bytes:
    """A PDF 1.4 with these numbered objects and a classic cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        )
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def pdf_bytes(*, catalog: bytes = b"", page: bytes = b"", extra: dict[int, bytes] | None = None):
    """A one-page PDF; `catalog` and `page` add entries to those dictionaries, `extra` adds
    objects from number 4 on."""
    return _pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page + b">>",
            **(extra or {}),
        }
    )


PDF = pdf_bytes()


def pdf_hiding_in_an_object_stream(hidden: bytes) -> bytes:
    """A PDF 1.5 whose object 4 (`hidden`, opened by the catalog) is compressed inside an object
    stream, listed by a cross-reference stream: no byte search can see it."""
    header = b"4 0 "
    packed = zlib.compress(header + hidden)
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    for number, body in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[5] = len(out)
    out += (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    offsets[6] = len(out)
    rows = [bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in range(1, 7):
        if number == 4:
            rows.append(bytes([2]) + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(bytes([1]) + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big"))
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def image_bytes(kind: str = "JPEG", *, size=(40, 30), exif: Image.Exif | None = None) -> bytes:
    picture = Image.new("RGB", size, (0, 106, 78))
    output = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    picture.save(output, format=kind, **options)
    return output.getvalue()


JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
