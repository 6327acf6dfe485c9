from django.http import Http404
from django.views.generic import TemplateView

from wasla.territories import selectors
from wasla.territories.maps import locality_map
from wasla.territories.models import Corridor, Governorate


class GovernorateListView(TemplateView):
    template_name = "territories/governorate_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            governorates=selectors.governorate_list(), corridors=selectors.corridor_list(), **kwargs
        )


class GovernorateDetailView(TemplateView):
    template_name = "territories/governorate_detail.html"

    def get_context_data(self, **kwargs):
        try:
            governorate = selectors.governorate_get(code=self.kwargs["code"])
        except Governorate.DoesNotExist:
            raise Http404 from None
        localities = selectors.locality_list(governorate_code=governorate.code)
        return super().get_context_data(
            governorate=governorate,
            municipalities=selectors.municipality_list(governorate_code=governorate.code),
            localities=localities,
            map=locality_map(localities, label_population=10_000),
            **kwargs,
        )


class CorridorDetailView(TemplateView):
    template_name = "territories/corridor_detail.html"

    def get_context_data(self, **kwargs):
        try:
            corridor = selectors.corridor_get(slug=self.kwargs["slug"])
        except Corridor.DoesNotExist:
            raise Http404 from None
        localities = selectors.locality_list(corridor_slug=corridor.slug)
        return super().get_context_data(
            corridor=corridor,
            summary=selectors.corridor_summary(corridor=corridor),
            localities=localities,
            map=locality_map(localities, label_population=15_000),
            **kwargs,
        )


class LocalityMapView(TemplateView):
    """All localities on Wasla's own map; `?governorate=TN-83` zooms to one governorate."""

    template_name = "territories/locality_map.html"

    def get_context_data(self, **kwargs):
        code = self.request.GET.get("governorate", "").upper()
        governorates = selectors.governorate_list()
        selected = next((g for g in governorates if g.code == code), None)
        localities = selectors.locality_list(governorate_code=selected.code if selected else None)
        return super().get_context_data(
            governorates=governorates,
            selected=selected,
            localities=localities,
            map=locality_map(localities, label_population=10_000 if selected else 60_000),
            **kwargs,
        )
