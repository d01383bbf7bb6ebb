"""Routes of the plans app: bulk."""

urlpatterns = []
