"""The plans app's pages, one module of routes for each area of work."""

from plans import urls_actions, urls_manage, urls_updates

urlpatterns = [*urls_actions.urlpatterns, *urls_updates.urlpatterns, *urls_manage.urlpatterns]
