"""Routes of the plans app: imports."""

urlpatterns = []
