from django.urls import path  # noqa: F401  (pages are added in views.py as they are built)

app_name = "cases"

urlpatterns: list = []
