"""Routes of the plans app: imports."""

from django.urls import path

from plans.views import imports

urlpatterns = [
    path("plans/<int:pk>/import/", imports.import_create, name="import-create"),
    path("imports/<int:pk>/", imports.import_detail, name="import"),
    path("imports/<int:pk>/mapping/", imports.import_mapping, name="import-mapping"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/template.<str:file_format>/", imports.import_template, name="import-template"),
]
