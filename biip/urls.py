from django.contrib import admin
from django.urls import include, path

from biip import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("", include("plans.urls")),
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("", include("reports.urls_snapshots")),
    path("admin/", admin.site.urls),
]
