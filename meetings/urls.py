"""The meetings app's pages, one module of routes for each area of work."""

from meetings import urls_actions, urls_documents, urls_editing, urls_pages

urlpatterns = [
    *urls_pages.urlpatterns,
    *urls_editing.urlpatterns,
    *urls_actions.urlpatterns,
    *urls_documents.urlpatterns,
]
