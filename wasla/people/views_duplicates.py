"""Pages for counting each person once: linkage runs, the review queue, merges and undo."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from wasla.core.exceptions import ApplicationError
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.people import duplicates, linkage_runs
from wasla.people import selectors_duplicates as selectors
from wasla.people.models import CandidatePair, LinkageRun, PersonMerge

PAIRS_PER_PAGE = 10


class DuplicateQueueView(PermissionRequiredMixin, TemplateView):
    """Pending pairs, likeliest first, each with the two records side by side."""

    permission = "people.duplicates.review"
    template_name = "people/duplicates/queue.html"

    def get_context_data(self, **kwargs):
        queue = selectors.pair_queue(user=self.request.user)
        page = Paginator(queue, PAIRS_PER_PAGE).get_page(self.request.GET.get("page"))
        counted = selectors.people_count(user=self.request.user)
        views = selectors.pair_views(page.object_list)
        # "Leave for now" goes on to the next pair, then to the next page.
        after_page = f"?page={page.next_page_number()}" if page.has_next() else "?"
        pairs = [
            {
                "view": view,
                "next_url": f"#pair-{views[index + 1].pair.pk}"
                if index + 1 < len(views)
                else after_page,
            }
            for index, view in enumerate(views)
        ]
        return super().get_context_data(
            page=page,
            pairs=pairs,
            counted=counted,
            latest_run=LinkageRun.objects.first(),
            can_merge=self.scope.can("people.duplicates.merge"),
            **kwargs,
        )


class PairView(PermissionRequiredMixin, View):
    """One pair (the page a "leave" or a refused decision comes back to); POST decides."""

    permission = "people.duplicates.review"
    template_name = "people/duplicates/pair.html"

    def _pair(self, pk) -> CandidatePair:
        try:
            return selectors.pair_get(user=self.request.user, pk=pk)
        except CandidatePair.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk, status=200):
        pair = self._pair(pk)
        return render(
            request,
            self.template_name,
            {
                "view": selectors.pair_views([pair])[0],
                "can_merge": self.scope.can("people.duplicates.merge"),
                "merge": pair.merges.filter(undone_at__isnull=True).first(),
                "queue_url": reverse("people:duplicate_queue"),
            },
            status=status,
        )

    def post(self, request, pk):
        pair = self._pair(pk)
        decision = request.POST.get("decision")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            if decision == "reject":
                duplicates.pair_reject(actor=request.user, pair=pair, expected_version=version)
                messages.success(request, _("Recorded: these are two different people."))
                return redirect("people:duplicate_queue")
            if decision == "confirm":
                if not self.scope.can("people.duplicates.merge"):
                    raise ApplicationError(_("You may not merge records."), code="forbidden")
                survivor_pk = request.POST.get("survivor", "")
                survivor = {
                    str(pair.person_a_id): pair.person_a,
                    str(pair.person_b_id): pair.person_b,
                }.get(survivor_pk)
                if survivor is None:
                    raise ApplicationError(_("Choose one of the two records to keep."))
                merge = duplicates.pair_confirm(
                    actor=request.user, pair=pair, expected_version=version, survivor=survivor
                )
                messages.success(
                    request,
                    _("%(merged)s has been merged into %(survivor)s.")
                    % {"merged": merge.merged.reference, "survivor": merge.survivor.reference},
                )
                return redirect("people:merge_detail", pk=merge.pk)
            raise ApplicationError(_("Choose one of the options."))
        except ApplicationError as error:
            messages.error(request, error.message)
            status = 409 if error.code in ("conflict", "already_merged") else 400
            return self.get(request, pk, status=status)


class MergeListView(PermissionRequiredMixin, TemplateView):
    permission = "people.duplicates.review"
    template_name = "people/duplicates/merge_list.html"

    def get_context_data(self, **kwargs):
        merges = selectors.merge_list(user=self.request.user)
        page = Paginator(merges, 25).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, **kwargs)


class MergeDetailView(PermissionRequiredMixin, View):
    """What a merge moved and filled, with the button that undoes it."""

    permission = "people.duplicates.review"
    template_name = "people/duplicates/merge_detail.html"

    def _merge(self, pk) -> PersonMerge:
        try:
            return selectors.merge_get(user=self.request.user, pk=pk)
        except PersonMerge.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk, status=200):
        merge = self._merge(pk)
        return render(
            request,
            self.template_name,
            {
                "merge": merge,
                "moved": selectors.merge_rows_by_kind(merge.moved_rows),
                "kept": selectors.merge_rows_by_kind(merge.kept_rows),
                "filled": selectors.merge_filled_labels(merge),
                "can_merge": self.scope.can("people.duplicates.merge"),
            },
            status=status,
        )

    def post(self, request, pk):
        merge = self._merge(pk)
        if not self.scope.can("people.duplicates.merge"):
            raise Http404
        try:
            duplicates.person_merge_undo(actor=request.user, merge=merge)
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.get(request, pk, status=409)
        messages.success(
            request,
            _("The merge has been undone: %(merged)s is a record of its own again.")
            % {"merged": merge.merged.reference},
        )
        return redirect("people:merge_detail", pk=merge.pk)


class LinkageRunView(PermissionRequiredMixin, View):
    """Start a linkage run and follow its progress (htmx polls the status block)."""

    permission = "people.duplicates.review"
    template_name = "people/duplicates/runs.html"

    def get(self, request, pk=None, status=200):
        runs = selectors.run_list(user=request.user)
        if pk is not None:
            try:
                run = selectors.run_get(user=request.user, pk=pk)
            except LinkageRun.DoesNotExist:
                raise Http404 from None
        else:
            run = runs.first()
        context = {
            "run": run,
            "runs": runs[:10],
            "default_threshold": linkage_runs.DEFAULT_THRESHOLD,
        }
        if request.htmx and run is not None:
            return render(request, "people/duplicates/_run_status.html", context, status=status)
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk=None):
        try:
            threshold = float(request.POST.get("threshold") or linkage_runs.DEFAULT_THRESHOLD)
        except ValueError:
            threshold = -1.0
        try:
            run = linkage_runs.linkage_run_start(actor=request.user, threshold=threshold)
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.get(request, status=400)
        messages.success(request, _("The linkage run has started."))
        return redirect("people:linkage_run", pk=run.pk)
