"""JSON errors for the API, always in one shape and in the request's language:

{"error": {"code": "...", "message": "...", "fields": {...}}}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from wasla.core.exceptions import ApplicationError, ConcurrentEditError


def exception_handler(exc, context):
    if isinstance(exc, ConcurrentEditError):
        return Response(
            {"error": {"code": exc.code, "message": exc.message}}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, ApplicationError) and exc.code == "forbidden":
        return Response(
            {"error": {"code": exc.code, "message": exc.message}}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, ApplicationError):
        body = {"error": {"code": exc.code, "message": exc.message}}
        if exc.extra:
            body["error"]["fields"] = exc.extra
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    error = {"code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        error["code"] = "invalid"
        error["message"] = _("The request has invalid fields.")
        error["fields"] = detail
    elif isinstance(detail, dict) and "detail" in detail:
        error["message"] = str(detail["detail"])
        error["code"] = getattr(detail["detail"], "code", error["code"])
    else:
        error["message"] = str(detail)
    response.data = {"error": error}
    return response
