import csv
import json

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from wasla.core.exceptions import ApplicationError
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.organisations.selectors import offices_of_user
from wasla.people import selectors, services
from wasla.people.forms import (
    ConsentForm,
    DocumentForm,
    MigrationEpisodeForm,
    PersonForm,
    SearchForm,
)
from wasla.people.models import Consent, MigrationEpisode, Person, PersonDocument
from wasla.people.selectors_duplicates import merge_of


def _add_field_errors(form, error: ApplicationError) -> None:
    """Put a service's per-field errors on the form, the rest on top of it."""
    placed = False
    for field, problems in (error.extra or {}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
            placed = True
    if not placed or error.code != "invalid":
        form.add_error(None, error.message)


def _errors_as_message(form) -> str:
    """A short form on the person page failed: say why in one message above the page."""
    return " ".join(str(problem) for problems in form.errors.values() for problem in problems)


class PersonMixin(PermissionRequiredMixin):
    permission = "people.view"

    def get_person(self, reference: str, permission: str | None = None) -> Person:
        try:
            return selectors.person_get(
                user=self.request.user,
                reference=reference,
                permission=permission or self.permission,
            )
        except Person.DoesNotExist:
            raise Http404 from None


class PersonListView(PermissionRequiredMixin, TemplateView):
    """Search the registry: name in any script or spelling, phone, identity number, reference."""

    permission = "people.view"
    template_name = "people/person_list.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        query = self.request.GET.get("q", "").strip()
        if query:
            people = selectors.person_search(user=self.request.user, query=query)
        else:
            people = selectors.person_list(user=self.request.user)[:50]
        return super().get_context_data(form=form, query=query, people=people, **kwargs)


class PersonCreateView(PermissionRequiredMixin, View):
    """Intake: the likely existing records are shown before a new person is created."""

    permission = "people.register"
    template_name = "people/person_form.html"

    def _offices(self):
        return offices_of_user(user=self.request.user)

    def _render(self, request, form, *, matches=(), status=200):
        context = {"form": form, "matches": matches, "offices": self._offices(), "creating": True}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(
            request,
            PersonForm(show_national_id=selectors.person_can_see_national_id(user=request.user)),
        )

    def post(self, request):
        form = PersonForm(
            request.POST, show_national_id=selectors.person_can_see_national_id(user=request.user)
        )
        offices = self._offices()
        office = offices.filter(pk=request.POST.get("office")).first() or (
            offices.first() if offices.count() == 1 else None
        )
        if not form.is_valid():
            return self._render(request, form, status=400)
        if office is None:
            form.add_error(None, _("Choose the office where the person is registered."))
            return self._render(request, form, status=400)
        fields = form.person_fields()
        if request.POST.get("confirmed_new") != "yes":
            matches = selectors.person_likely_matches(user=request.user, fields=fields)
            if matches:
                return self._render(request, form, matches=matches)
        try:
            person = services.person_register(actor=request.user, office=office, **fields)
        except ApplicationError as error:
            _add_field_errors(form, error)
            return self._render(request, form, status=400)
        messages.success(
            request,
            _("%(name)s is registered as %(reference)s.")
            % {"name": person.full_name, "reference": person.reference},
        )
        return redirect("people:person_detail", reference=person.reference)


class PersonDetailView(PersonMixin, TemplateView):
    template_name = "people/person_detail.html"

    def get_context_data(self, **kwargs):
        person = self.get_person(self.kwargs["reference"])
        return super().get_context_data(
            person=person,
            episodes=person.migration_episodes.select_related(
                "departure_locality", "destination_locality"
            ),
            consents=person.consents.select_related("recorded_by", "withdrawn_by"),
            offices=[link.office for link in person.office_links.select_related("office")],
            show_national_id=self.scope.can("people.national_id.view"),
            episode_form=MigrationEpisodeForm(),
            consent_form=ConsentForm(initial={"given_on": timezone.localdate()}),
            documents=person.documents.all(),
            document_form=DocumentForm(),
            can_anonymise=self.scope.can("people.anonymise"),
            merge=merge_of(person=person) if person.merged_into_id else None,
            survivor_visible=person.merged_into_id
            and selectors.person_list(user=self.request.user)
            .filter(pk=person.merged_into_id)
            .exists(),
            can_review_duplicates=self.scope.can("people.duplicates.review"),
            **kwargs,
        )


class PersonEditView(PersonMixin, View):
    permission = "people.edit"
    template_name = "people/person_form.html"

    def get(self, request, reference):
        person = self.get_person(reference)
        show_id = selectors.person_can_see_national_id(user=request.user)
        form = PersonForm(initial=PersonForm.initial_from(person), show_national_id=show_id)
        return render(request, self.template_name, {"form": form, "person": person})

    def post(self, request, reference):
        person = self.get_person(reference)
        show_id = selectors.person_can_see_national_id(user=request.user)
        form = PersonForm(request.POST, show_national_id=show_id)
        status = 400
        if form.is_valid():
            try:
                services.person_update(
                    actor=request.user,
                    person=person,
                    expected_version=form.cleaned_data["version"] or 0,
                    **form.person_fields(),
                )
            except ApplicationError as error:
                _add_field_errors(form, error)
                status = 409 if error.code == "conflict" else 400
            else:
                messages.success(request, _("The record has been saved."))
                return redirect("people:person_detail", reference=person.reference)
        return render(request, self.template_name, {"form": form, "person": person}, status=status)


class MigrationEpisodeView(PersonMixin, View):
    permission = "people.edit"

    def post(self, request, reference):
        person = self.get_person(reference)
        if "remove" in request.POST:
            episode = MigrationEpisode.objects.filter(
                person=person, pk=request.POST["remove"]
            ).first()
            if episode is None:
                raise Http404
            services.migration_episode_remove(actor=request.user, episode=episode)
            messages.success(request, _("The migration episode has been removed."))
            return redirect("people:person_detail", reference=reference)
        form = MigrationEpisodeForm(request.POST)
        if form.is_valid():
            try:
                services.migration_episode_add(
                    actor=request.user, person=person, **form.cleaned_data
                )
            except ApplicationError as error:
                _add_field_errors(form, error)
            else:
                messages.success(request, _("The migration episode has been added."))
                return redirect("people:person_detail", reference=reference)
        messages.error(request, _errors_as_message(form))
        return redirect("people:person_detail", reference=reference)


class ConsentView(PersonMixin, View):
    permission = "people.consent.manage"

    def post(self, request, reference):
        person = self.get_person(reference)
        if "withdraw" in request.POST:
            consent = Consent.objects.filter(person=person, pk=request.POST["withdraw"]).first()
            if consent is None:
                raise Http404
            try:
                services.consent_withdraw(actor=request.user, consent=consent)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The withdrawal of consent has been recorded."))
            return redirect("people:person_detail", reference=reference)
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                services.consent_give(actor=request.user, person=person, **form.cleaned_data)
            except ApplicationError as error:
                _add_field_errors(form, error)
            else:
                messages.success(request, _("The consent has been recorded."))
                return redirect("people:person_detail", reference=reference)
        messages.error(request, _errors_as_message(form))
        return redirect("people:person_detail", reference=reference)


class PersonAccessExportView(PersonMixin, View):
    """Right of access: all of a person's data, as JSON or as a page to print and hand over."""

    permission = "people.access_export"

    def get(self, request, reference, output="page"):
        person = self.get_person(reference)
        data = selectors.person_access_export(user=request.user, person=person)
        if output == "json":
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = f'attachment; filename="{person.reference}.json"'
            return response
        return render(
            request,
            "people/person_access.html",
            {
                "person": person,
                "data": data,
                "data_json": json.dumps(data, ensure_ascii=False, indent=2),
            },
        )


class PersonAnonymiseView(PersonMixin, View):
    permission = "people.anonymise"

    def post(self, request, reference):
        person = self.get_person(reference)
        if request.POST.get("confirm") != person.reference:
            messages.error(request, _("Type the person's reference to confirm."))
            return redirect("people:person_detail", reference=reference)
        try:
            services.person_anonymise(actor=request.user, person=person)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The record has been anonymised."))
        return redirect("people:person_detail", reference=reference)


class PseudonymisedExportView(PermissionRequiredMixin, View):
    """CSV for the Office for Tunisians Abroad: no direct identifier (schema in docs/people.md)."""

    permission = "people.pseudonymised_export"

    def get(self, request):
        rows = selectors.pseudonymised_export(user=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="wasla-returns-pseudonymised.csv"'
        writer = csv.DictWriter(response, fieldnames=selectors.PSEUDONYMISED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return response


class DocumentView(PersonMixin, View):
    """Upload a document to the person's file, or remove one."""

    permission = "people.edit"

    def post(self, request, reference):
        person = self.get_person(reference)
        if "remove" in request.POST:
            document = PersonDocument.objects.filter(
                person=person, pk=request.POST["remove"]
            ).first()
            if document is None:
                raise Http404
            services.document_remove(actor=request.user, document=document)
            messages.success(request, _("The document has been removed."))
            return redirect("people:person_detail", reference=reference)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_upload(
                    actor=request.user,
                    person=person,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    uploaded_file=form.cleaned_data["file"],
                    case_reference=request.POST.get("case_reference", "")[:12],
                )
            except ApplicationError as error:
                _add_field_errors(form, error)
            else:
                messages.success(request, _("The document has been added."))
                return redirect(_safe_back(request, reference))
        messages.error(request, _errors_as_message(form))
        return redirect("people:person_detail", reference=reference)


def _safe_back(request, reference: str) -> str:
    """Back to the page the upload came from (a case page), else the person's page."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return reverse("people:person_detail", kwargs={"reference": reference})


class DocumentDownloadView(PersonMixin, View):
    """Stream a document to staff who may see the person; the file is never public."""

    permission = "people.view"

    def get(self, request, reference, pk):
        person = self.get_person(reference)
        document = PersonDocument.objects.filter(person=person, pk=pk).first()
        if document is None:
            raise Http404
        response = FileResponse(
            document.file.open("rb"),
            content_type=document.content_type,
            as_attachment=True,
            filename=f"{person.reference}-{document.pk}{document.extension}",
        )
        response["Cache-Control"] = "private, no-store"
        return response
