"""Routes of the plans app: risks."""

urlpatterns = []
