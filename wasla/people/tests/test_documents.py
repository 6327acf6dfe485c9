import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from wasla.core.exceptions import ApplicationError
from wasla.people.models import PersonDocument
from wasla.people.services import document_upload, person_anonymise

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _upload(client, reference, content, name="card.pdf", content_type="application/pdf"):
    return client.post(
        f"/people/{reference}/documents/",
        {
            "kind": "identity",
            "title": "Carte d'identité",
            "file": SimpleUploadedFile(name, content, content_type),
        },
    )


def test_a_document_is_kept_outside_the_web_root_and_served_after_a_permission_check(
    client_for, register, private_root
):
    person = register()
    client = client_for("counsellor")
    assert _upload(client, person.reference, PDF).status_code == 302
    document = PersonDocument.objects.get()
    stored = private_root / document.file.name
    assert stored.exists() and "card" not in document.file.name
    assert not str(stored).startswith(str(settings.STATIC_ROOT)) and not str(stored).startswith(
        str(settings.MEDIA_ROOT)
    )
    response = client.get(f"/people/{person.reference}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        client_for("front_desk_agent")
        .get(f"/people/{person.reference}/documents/{document.pk}/")
        .status_code
        == 404
    )
    assert (
        client_for(None).get(f"/people/{person.reference}/documents/{document.pk}/").status_code
        == 302
    )


def test_a_disguised_file_is_refused_by_its_content_not_its_name(client_for, register):
    person = register()
    _upload(client_for("counsellor"), person.reference, b"MZ\x90\x00 not a pdf", name="cv.pdf")
    assert not PersonDocument.objects.exists()


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
    user_for_role, register, private_root
):
    person = register()
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 2048, "application/pdf")
    with pytest.raises(ApplicationError) as error:
        document_upload(
            actor=user_for_role("counsellor"),
            person=person,
            kind="identity",
            title="Scan",
            uploaded_file=big,
        )
    assert "file" in error.value.extra
    assert not PersonDocument.objects.exists()
    assert not any(private_root.rglob("*.pdf")) if private_root.exists() else True


def test_anonymisation_removes_the_documents(
    django_capture_on_commit_callbacks, user_for_role, register, private_root
):
    from wasla.people.tests.test_person_update_and_consent import _admin_of_ote

    person = register()
    document = document_upload(
        actor=user_for_role("counsellor"),
        person=person,
        kind="identity",
        title="Carte",
        uploaded_file=SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
    )
    stored = private_root / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        person_anonymise(actor=_admin_of_ote(), person=person)
    assert not PersonDocument.objects.exists()
    assert not stored.exists()


def test_the_api_uploads_lists_and_serves_documents_with_the_same_checks(client_for, register):
    person = register()
    client = client_for("counsellor")
    upload = client.post(
        f"/api/v1/persons/{person.reference}/documents/",
        {
            "kind": "diploma",
            "title": "CAP",
            "file": SimpleUploadedFile("d.pdf", PDF, "application/pdf"),
        },
    )
    assert upload.status_code == 201, upload.content
    listed = client.get(f"/api/v1/persons/{person.reference}/documents/").json()
    assert [row["title"] for row in listed] == ["CAP"]
    served = client.get(f"/api/v1/persons/{person.reference}/documents/{upload.json()['id']}/file/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    refused = client.post(
        f"/api/v1/persons/{person.reference}/documents/",
        {
            "kind": "diploma",
            "title": "x",
            "file": SimpleUploadedFile("x.pdf", b"GIF89a", "application/pdf"),
        },
    )
    assert refused.status_code == 400 and "file" in refused.json()["error"]["fields"]
    assert client_for(None).get(f"/api/v1/persons/{person.reference}/documents/").status_code == 401
    assert (
        client_for("front_desk_agent")
        .get(f"/api/v1/persons/{person.reference}/documents/")
        .status_code
        == 404
    )
