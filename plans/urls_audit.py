"""Routes of the plans app: audit."""

urlpatterns = []
