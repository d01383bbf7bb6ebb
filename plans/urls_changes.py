"""Routes of the plans app: the change log, and deleting and restoring actions
(plans.views.changes)."""

from django.urls import path

from plans.views import changes

urlpatterns = [
    path("changes/", changes.changes, name="changes"),
    path("actions/<int:pk>/delete/", changes.action_delete, name="action-delete"),
    path("actions/deleted/", changes.deleted_action_list, name="deleted-actions"),
    path("actions/deleted/<int:pk>/restore/", changes.action_restore, name="action-restore"),
]
