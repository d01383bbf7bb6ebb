"""Routes of the meetings app: editing."""

urlpatterns = []
