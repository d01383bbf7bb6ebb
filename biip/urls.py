from django.contrib import admin
from django.urls import include, path

from biip import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("health/", health.health, name="health"),
    path("", include("plans.urls")),
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("", include("reports.urls_snapshots")),
    path("admin/", admin.site.urls),
]

# The 503 page when the database is down, the plain 500 page otherwise (biip/health.py).
handler500 = "biip.health.server_error"
