from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenSpacesConfig(AppConfig):
    name = "wasla.citizen_spaces"
    label = "citizen_spaces"
    verbose_name = _("Citizen Spaces")
