"""Routes of the meetings app: actions."""

urlpatterns = []
