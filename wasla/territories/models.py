"""Tunisia's territories: governorates (ISO 3166-2:TN), municipalities, localities
(GeoNames populated places) and corridors (named sets of territories)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wasla.core.models import TimeStampedModel, TrilingualNameModel


class Governorate(TrilingualNameModel):
    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    geonames_admin1 = models.CharField(_("GeoNames admin1 code"), max_length=4, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")


class Municipality(TrilingualNameModel, TimeStampedModel):
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    governorate = models.ForeignKey(
        Governorate,
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    seat = models.ForeignKey(
        "Locality",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["governorate__code", "name_fr"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class Locality(TimeStampedModel):
    """A populated place as GeoNames knows it."""

    geonames_id = models.PositiveBigIntegerField(_("GeoNames id"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    governorate = models.ForeignKey(
        Governorate,
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        related_name="localities",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="localities",
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["governorate__code", "-population", "name"]
        verbose_name = _("locality")
        verbose_name_plural = _("localities")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "")[:2] == "ar" and self.name_ar:
            return self.name_ar
        return self.name


class Corridor(TrilingualNameModel, TimeStampedModel):
    """A named set of territories that a programme treats as one, e.g. a migration corridor."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    governorates = models.ManyToManyField(
        Governorate, verbose_name=_("governorates"), blank=True, related_name="corridors"
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), blank=True, related_name="corridors"
    )
    localities = models.ManyToManyField(
        Locality, verbose_name=_("localities"), blank=True, related_name="corridors"
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("corridor")
        verbose_name_plural = _("corridors")

    @property
    def description(self) -> str:
        language = (get_language() or "ar")[:2]
        text = {"ar": self.description_ar, "fr": self.description_fr, "en": self.description_en}
        return text.get(language) or self.description_fr or self.description_en
