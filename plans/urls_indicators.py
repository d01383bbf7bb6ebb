"""Routes of the plans app: indicators."""

urlpatterns = []
