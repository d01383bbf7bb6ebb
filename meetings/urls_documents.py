"""Routes of the meetings app: documents."""

urlpatterns = []
