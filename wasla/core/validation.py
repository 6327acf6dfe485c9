"""Checks shared by every app's services: collecting field errors, and recognising an
uploaded document by its first bytes rather than by what the browser claims."""

from django.conf import settings
from django.utils.translation import gettext as _

from wasla.core.exceptions import ApplicationError

DOCUMENT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class FieldErrors:
    """Every field at fault at once, raised as one ApplicationError the forms and the API show."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ApplicationError(
                _("Some fields need correcting."), code="invalid", extra=self.errors
            )


def document_type(uploaded_file) -> str | None:
    """application/pdf, image/jpeg or image/png, or None for anything else."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    for signature, content_type in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def check_document(uploaded_file, errors: FieldErrors, field: str = "file") -> str | None:
    """Add an error for a file too large or of a kind we do not keep; return its type."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        errors.add(
            field, _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    content_type = document_type(uploaded_file)
    if content_type is None:
        errors.add(field, _("Only PDF, JPEG and PNG files are accepted."))
    return content_type
