"""Routes of the plans app: the bulk update grid."""

from django.urls import path

from plans.views import bulk

urlpatterns = [
    path("my-actions/update/", bulk.bulk_update, name="bulk-update"),
]
