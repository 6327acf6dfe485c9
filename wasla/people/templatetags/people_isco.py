from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from wasla.people.isco import isco_title_and_language

register = template.Library()


@register.simple_tag
def isco_occupation(code: str):
    """An occupation as its ISCO-08 code and title in the page's language; a title that falls
    back to another language (French on an Arabic page) says so with lang, for screen readers.
    A code outside ISCO-08, kept from before it was checked, shows alone."""
    language = (get_language() or "ar")[:2]
    found = isco_title_and_language(code, language)
    if found is None:
        return format_html('<bdi dir="ltr">{}</bdi>', code)
    title, title_language = found
    lang = format_html(' lang="{}"', title_language) if title_language != language else ""
    return format_html('<bdi dir="ltr">{}</bdi> <bdi{}>{}</bdi>', code, lang, title)
