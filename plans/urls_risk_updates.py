"""Routes of the plans app: risk_updates."""

urlpatterns = []
