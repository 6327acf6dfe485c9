from django.urls import path

from wasla.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.GovernorateListView.as_view(), name="governorate_list"),
    path("map/", views.LocalityMapView.as_view(), name="map"),
    path("corridors/<slug:slug>/", views.CorridorDetailView.as_view(), name="corridor_detail"),
    path("<str:code>/", views.GovernorateDetailView.as_view(), name="governorate_detail"),
]
