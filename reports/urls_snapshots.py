"""Routes of closing cycles and reading their snapshots."""

from django.urls import path

from reports.views import snapshots

urlpatterns = [
    path("cycle/<int:pk>/close/", snapshots.cycle_close, name="cycle-close"),
    path("snapshots/", snapshots.snapshot_list, name="snapshots"),
    path("snapshots/<int:pk>/", snapshots.snapshot_detail, name="snapshot"),
    path("snapshots/<int:pk>/actions/", snapshots.snapshot_actions, name="snapshot-actions"),
    path("snapshots/<int:pk>/risks/", snapshots.snapshot_risks, name="snapshot-risks"),
]
