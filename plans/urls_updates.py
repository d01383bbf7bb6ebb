"""The monthly cycle: updates, evidence, assurance, challenges, my actions, cycle status."""

from django.urls import path

from plans.views import updates

urlpatterns = [
    path("actions/<int:pk>/update/", updates.action_update, name="action-update"),
    path("evidence/<int:pk>/", updates.evidence, name="evidence"),
    path("updates/<int:pk>/assurance/", updates.update_assurance, name="update-assurance"),
    path("actions/<int:pk>/challenge/", updates.action_challenge, name="action-challenge"),
    path("challenges/", updates.challenge_list, name="challenges"),
    path("challenges/<int:pk>/reply/", updates.challenge_reply, name="challenge-reply"),
    path("my-actions/", updates.my_actions, name="my-actions"),
    path("cycle/", updates.cycle_status, name="cycle-status"),
]
