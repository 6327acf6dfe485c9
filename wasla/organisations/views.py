from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from wasla.core.exceptions import ApplicationError
from wasla.organisations import selectors, services
from wasla.organisations.forms import MembershipForm, OfficeForm, OpeningPeriodFormSet
from wasla.organisations.models import Office, Organisation, StaffMembership
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.organisations.scoping import scope_for
from wasla.territories.maps import Marker, locality_map
from wasla.territories.selectors import governorate_list, locality_list


class OrganisationListView(TemplateView):
    template_name = "organisations/organisation_list.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "")
        return super().get_context_data(
            organisations=selectors.organisation_list(kind=kind or None),
            kinds=Organisation.Kind.choices,
            selected_kind=kind,
            **kwargs,
        )


class OrganisationDetailView(TemplateView):
    template_name = "organisations/organisation_detail.html"

    def get_context_data(self, **kwargs):
        try:
            organisation = selectors.organisation_get(slug=self.kwargs["slug"])
        except Organisation.DoesNotExist:
            raise Http404 from None
        offices = selectors.office_list(organisation_slug=organisation.slug)
        return super().get_context_data(organisation=organisation, offices=offices, **kwargs)


def _office_markers(offices) -> list[Marker]:
    return [
        Marker(
            latitude=office.latitude,
            longitude=office.longitude,
            label=office.name,
            href=reverse("organisations:office_detail", args=[office.slug]),
        )
        for office in offices
    ]


class OfficeListView(TemplateView):
    """Where to go: every open office, filtered by kind and governorate, on a map."""

    template_name = "organisations/office_list.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "")
        governorate = self.request.GET.get("governorate", "").upper()
        offices = list(
            selectors.office_list(kind=kind or None, governorate_code=governorate or None)
        )
        localities = locality_list(
            governorate_code=governorate or None, min_population=0 if governorate else 20_000
        )
        return super().get_context_data(
            offices=offices,
            kinds=Office.Kind.choices,
            governorates=governorate_list(),
            selected_kind=kind,
            selected_governorate=governorate,
            map=locality_map(
                localities,
                markers=_office_markers(offices),
                # Name the places once a governorate is chosen; the whole country would be a blur.
                label_population=0 if governorate else 10**9,
            ),
            **kwargs,
        )


class OfficeDetailView(TemplateView):
    template_name = "organisations/office_detail.html"

    def get_context_data(self, **kwargs):
        try:
            office = selectors.office_get(slug=self.kwargs["slug"])
        except Office.DoesNotExist:
            raise Http404 from None
        scope = scope_for(self.request.user)
        return super().get_context_data(
            office=office,
            can_edit=scope.can_in_organisation("organisations.office.edit", office.organisation_id),
            **kwargs,
        )


class OfficeEditView(PermissionRequiredMixin, View):
    """Administrators change an office's contact details and opening hours.

    The form carries the version it was loaded at; a save over someone else's newer
    save is refused and nothing is written."""

    permission = "organisations.office.edit"
    template_name = "organisations/office_edit.html"

    def _office(self, slug) -> Office:
        office = get_object_or_404(Office.objects.select_related("organisation"), slug=slug)
        if not self.scope.can_in_organisation(self.permission, office.organisation_id):
            raise Http404
        return office

    def get(self, request, slug):
        office = self._office(slug)
        form = OfficeForm(
            initial={
                "version": office.version,
                "address": office.address,
                "phone": office.phone,
                "email": office.email,
                "latitude": office.latitude,
                "longitude": office.longitude,
                "is_active": office.is_active,
            }
        )
        periods = OpeningPeriodFormSet(
            initial=[
                {"weekday": p.weekday, "opens": p.opens, "closes": p.closes}
                for p in office.opening_periods.all()
            ],
            prefix="hours",
        )
        return render(
            request, self.template_name, {"office": office, "form": form, "periods": periods}
        )

    def post(self, request, slug):
        office = self._office(slug)
        form = OfficeForm(request.POST)
        periods = OpeningPeriodFormSet(request.POST, prefix="hours")
        if form.is_valid() and periods.is_valid():
            data = dict(form.cleaned_data)
            expected_version = data.pop("version")
            hours = [
                services.OpeningPeriodInput(**{k: p[k] for k in ("weekday", "opens", "closes")})
                for p in periods.cleaned_data
                if p and not p.get("DELETE")
            ]
            try:
                services.office_update(
                    actor=request.user,
                    office=office,
                    expected_version=expected_version,
                    opening_periods=hours,
                    **data,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The office has been saved."))
                return redirect("organisations:office_detail", slug=office.slug)
        context = {"office": office, "form": form, "periods": periods}
        return render(
            request, self.template_name, context, status=409 if form.non_field_errors() else 400
        )


class StaffListView(PermissionRequiredMixin, View):
    """Who works where, in which role; administrators add and end memberships."""

    permission = "organisations.staff.view"
    template_name = "organisations/staff_list.html"

    def _context(self, request, form=None):
        manageable = Organisation.objects.all()
        if not self.scope.is_platform_admin:
            manageable = manageable.filter(
                pk__in=self.scope.organisations_where("organisations.staff.manage")
            )
        wanted = request.GET.get("organisation") or request.POST.get("organisation")
        organisation = manageable.filter(slug=wanted).first() or manageable.first()
        if form is None and organisation is not None:
            form = MembershipForm(organisation=organisation)
        return {
            "memberships": selectors.staff_list(user=request.user),
            "manageable": manageable,
            "organisation": organisation,
            "form": form,
        }

    def get(self, request):
        return render(request, self.template_name, self._context(request))

    def post(self, request):
        if not self.scope.can("organisations.staff.manage"):
            raise Http404
        if "end" in request.POST:
            membership = get_object_or_404(StaffMembership, pk=request.POST["end"], is_active=True)
            try:
                services.membership_end(actor=request.user, membership=membership)
                messages.success(request, _("The membership has been ended."))
            except ApplicationError as error:
                messages.error(request, error.message)
            return redirect("organisations:staff_list")
        organisation = get_object_or_404(Organisation, slug=request.POST.get("organisation"))
        form = MembershipForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                services.membership_add(
                    actor=request.user,
                    user=form.cleaned_data["username"],
                    organisation=organisation,
                    role=form.cleaned_data["role"],
                    office=form.cleaned_data["office"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The membership has been added."))
                return redirect("organisations:staff_list")
        return render(request, self.template_name, self._context(request, form), status=400)
