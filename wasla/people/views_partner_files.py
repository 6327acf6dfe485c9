"""Pages for files from partners: the list with the upload form, and a file's page: the
task's progress while the file is checked and imported (htmx polls it), the errors of a refused
file, or the outcome with the linkage run's progress and the pairs its records take part in
(docs/duplicates.md)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from wasla.core.exceptions import ApplicationError
from wasla.organisations.models import Office
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.people import partner_files
from wasla.people import selectors_duplicates as selectors
from wasla.people.forms import PartnerFileForm
from wasla.people.models import PartnerFile

FILES_PER_PAGE = 25
PAIRS_PER_PAGE = 10
# The form's other fields and the multipart envelope, on top of the file's own limit.
UPLOAD_MARGIN = 64 * 1024


class PartnerFileListView(PermissionRequiredMixin, View):
    """The files imported at the manager's offices, and the form that imports another."""

    permission = "people.duplicates.review"
    template_name = "people/duplicates/partner_files.html"

    def _offices(self):
        offices = Office.objects.filter(is_active=True).select_related("organisation")
        return self.scope.filter_by_office(offices, "pk")

    def get(self, request, form=None, errors=(), error_count=0, status=200):
        # A queued file holds its text until the task is done with it: the list never reads it.
        files = selectors.partner_file_list(user=request.user).defer("content")
        page = Paginator(files, FILES_PER_PAGE).get_page(request.GET.get("page"))
        imported = [item for item in page if item.imported_at is not None]
        counts = selectors.partner_file_pair_counts(user=request.user, partner_files=imported)
        if form is None:
            form = PartnerFileForm(offices=self._offices())
            offices = form.fields["office"].queryset
            if len(offices) == 1:
                form.initial["office"] = offices[0].pk
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "rows": [(item, counts.get(item.pk)) for item in page],
                "form": form,
                "errors": errors,
                "error_count": error_count,
                "limits": {
                    "megabytes": partner_files.MAX_BYTES // (1024 * 1024),
                    "rows": partner_files.MAX_ROWS,
                },
                "columns": partner_files.FILE_COLUMNS,
            },
            status=status,
        )

    def post(self, request):
        # A body far over the limit is refused on its declared size, without reading the file.
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > partner_files.MAX_BYTES + UPLOAD_MARGIN:
            message = _("The file is larger than %(limit)s MB.") % {
                "limit": partner_files.MAX_BYTES // (1024 * 1024)
            }
            return self.get(request, errors=[message], error_count=1, status=413)
        form = PartnerFileForm(request.POST, request.FILES, offices=self._offices())
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        data = form.cleaned_data
        try:
            queued = partner_files.partner_file_upload(
                actor=request.user,
                uploaded_file=data["file"],
                organisation=data["organisation"],
                office=data["office"],
                default_population_group=data["population_group"],
                consent_attested=data["consent_attested"],
            )
        except partner_files.PartnerFileInvalid as invalid:
            return self.get(
                request,
                form=form,
                errors=[str(error) for error in invalid.errors[: partner_files.ERRORS_SHOWN]],
                error_count=len(invalid.errors),
                status=400,
            )
        except ApplicationError as error:
            return self.get(request, form=form, errors=[error.message], error_count=1, status=400)
        messages.success(
            request,
            _("%(file)s is being checked: this page follows the import.")
            % {"file": queued.file_name},
        )
        return redirect("people:partner_file", pk=queued.pk)


class PartnerFileDetailView(PermissionRequiredMixin, View):
    """What the import did, the linkage run under way, and the file's pairs to review."""

    permission = "people.duplicates.review"
    template_name = "people/duplicates/partner_file.html"
    status_template = "people/duplicates/partner_file_status.html"

    def get(self, request, pk):
        try:
            # As `partner_file_get`, without the text a queued file holds: htmx asks every 2 s.
            files = selectors.partner_file_list(user=request.user).defer("content")
            partner_file = files.get(pk=pk)
        except PartnerFile.DoesNotExist:
            raise Http404 from None
        if request.htmx:
            if partner_file.is_active:
                return render(
                    request, self.status_template, {"partner_file": partner_file, "polling": True}
                )
            # Done, refused or failed: the whole page changes, so htmx reloads it.
            return HttpResponse(headers={"HX-Refresh": "true"})
        context = {"partner_file": partner_file, "polling": partner_file.is_active}
        if partner_file.imported_at is None or partner_file.is_active:
            return render(request, self.template_name, context)
        run = partner_file.run
        pairs = selectors.partner_file_pairs(user=request.user, partner_file=partner_file)
        page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
        views = selectors.pair_views(page.object_list)
        after_page = f"?page={page.next_page_number()}#pairs" if page.has_next() else "#pairs"
        return render(
            request,
            self.template_name,
            {
                **context,
                "run": run,
                "run_done": selectors.partner_file_is_linked(
                    partner_file, selectors.latest_finished_run()
                ),
                "found": selectors.partner_file_pair_counts(
                    user=request.user, partner_files=[partner_file]
                ).get(partner_file.pk),
                "page": page,
                "pairs": [
                    {
                        "view": view,
                        "next_url": f"#pair-{views[index + 1].pair.pk}"
                        if index + 1 < len(views)
                        else after_page,
                    }
                    for index, view in enumerate(views)
                ],
                "can_merge": self.scope.can("people.duplicates.merge"),
            },
        )
