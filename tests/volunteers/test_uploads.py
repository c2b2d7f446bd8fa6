import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.files import JPEG, PDF, PNG, pdf_bytes
from volunteers.uploads import check_upload, safe_name

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cv.pdf", PDF, "application/pdf"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("scan.png", PNG, "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted(name, content, expected):
    assert check_upload(upload(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", EXE, "Seuls les fichiers PDF, JPEG et PNG sont acceptés."),
        ("programme.exe", EXE, "Seuls les fichiers PDF, JPEG et PNG sont acceptés."),
        ("cv.pdf", b"", "Seuls les fichiers PDF, JPEG et PNG sont acceptés."),
        ("cv.png", PDF, "Le nom du fichier ne correspond pas à son contenu (application/pdf)."),
        (
            "photo.jpg",
            JPEG[:-2] + b"PK\x03\x04zipped",
            "Le fichier est incomplet ou contient autre chose qu'un document.",
        ),
        (
            "cv.pdf",
            pdf_bytes(catalog=b"/Names << /JavaScript << /Names [] >> >> "),
            "contient du contenu actif",
        ),
    ],
    ids=["renamed-exe", "exe", "empty", "wrong-extension", "polyglot-zip", "pdf-javascript"],
)
def test_other_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert message in error.value.messages[0]


def test_files_over_the_limit_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = PDF[:-6] + b"\x00" * (2048 - len(PDF)) + b"%%EOF\n"
    with pytest.raises(ValidationError) as error:
        check_upload(upload("cv.pdf", big))
    assert error.value.messages == ["Le fichier pèse 2,0\xa0Kio ; le maximum est 1,0\xa0Kio."]


def test_path_traversal_names_keep_only_the_file_name():
    assert safe_name(upload("../../etc/passwd.pdf", PDF)) == "passwd.pdf"
    assert safe_name(upload("..\\..\\windows\\cv.pdf", PDF)) == "cv.pdf"
