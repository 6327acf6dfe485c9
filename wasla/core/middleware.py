from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Machine clients name their language with Accept-Language; people choose it on the page.
API_PREFIXES = ("/api/", "/open311/")


def language_for_request(request) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    if request.path.startswith(API_PREFIXES):
        return translation.get_language_from_request(request)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in supported:
        return chosen
    # The public reads Arabic first, whatever language the phone's browser was sold with.
    return settings.LANGUAGE_CODE


class WaslaLocaleMiddleware:
    """Activates the page language: the visitor's choice, else Arabic; Accept-Language for APIs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.path.startswith(API_PREFIXES):
            patch_vary_headers(response, ("Accept-Language",))
        else:
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
