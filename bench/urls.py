"""The app's URLs with the baseline page in front of them."""

from django.urls import path

from bench import views
from biip.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/baseline/", views.baseline, name="bench-baseline"),
    *app_urlpatterns,
]
