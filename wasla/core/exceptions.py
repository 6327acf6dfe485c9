"""The one error type that services raise when a domain rule is broken.

Views turn it into a 400 page or JSON body with its (already translated) message.
"""


class ApplicationError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class ConcurrentEditError(ApplicationError):
    """Someone else saved the record after this editor loaded it."""

    def __init__(self, message: str):
        super().__init__(message, code="conflict")
