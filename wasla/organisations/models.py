from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wasla.core.models import TimeStampedModel, TrilingualNameModel, VersionedModel
from wasla.territories.models import Governorate, Locality, Municipality


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COUNSELLOR = "counsellor", _("Counsellor")
    FRONT_DESK_AGENT = "front_desk_agent", _("Front-desk agent")
    PARTNER_CASEWORKER = "partner_caseworker", _("Partner caseworker")
    EMPLOYMENT_OFFICER = "employment_officer", _("Employment officer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager (M&E)")
    AUDITOR = "auditor", _("Auditor")


class Organisation(TrilingualNameModel, TimeStampedModel):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        NATIONAL_AGENCY = "national_agency", _("National agency")
        NGO = "ngo", _("NGO")
        COMPANY = "company", _("Company")
        TRAINING_PROVIDER = "training_provider", _("Training provider")
        MICROFINANCE = "microfinance", _("Microfinance institution")
        DONOR = "donor", _("Donor")
        DIASPORA_ASSOCIATION = "diaspora_association", _("Diaspora association")

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # A national body has no governorate; a local one has its governorate and maybe its municipality.
    governorate = models.ForeignKey(
        Governorate,
        verbose_name=_("governorate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")


class Office(TrilingualNameModel, VersionedModel):
    class Kind(models.TextChoices):
        REINTEGRATION_ANTENNA = "reintegration_antenna", _("Reintegration antenna")
        CITIZEN_SPACE = "citizen_space", _("Citizen Space")
        EMPLOYMENT_OFFICE = "employment_office", _("Employment office")
        INCUBATOR = "incubator", _("Incubator")
        TRAINING_CENTRE = "training_centre", _("Training centre")
        HEAD_OFFICE = "head_office", _("Head office")

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="offices",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    locality = models.ForeignKey(
        Locality, verbose_name=_("locality"), on_delete=models.PROTECT, related_name="offices"
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["organisation__name_fr", "name_fr"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def opening_hours_by_day(self) -> list[tuple[str, list["OpeningPeriod"]]]:
        """Opening periods grouped per weekday, Monday first, for display."""
        days: dict[int, list[OpeningPeriod]] = {}
        for period in self.opening_periods.all():
            days.setdefault(period.weekday, []).append(period)
        return [
            (OpeningPeriod.Weekday(day).label, periods) for day, periods in sorted(days.items())
        ]


class OpeningPeriod(models.Model):
    """One span of opening on one weekday; a day may have two (morning and afternoon)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="opening_periods"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_period_closes_after_opens",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class StaffMembership(TimeStampedModel):
    """A user works for an organisation, maybe at one of its offices, in a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name_fr", "role"]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "office", "role"],
                condition=models.Q(is_active=True),
                name="one_active_membership_per_role_and_place",
            )
        ]

    def __str__(self):
        place = self.office or self.organisation
        return f"{self.user.get_username()} — {self.get_role_display()} — {place}"
