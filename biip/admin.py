from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from biip.models import Directorate, Organisation, Person

admin.site.site_header = "Improvement Tracker administration"
admin.site.site_title = "Improvement Tracker"


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "organisation", "directorate", "user"]
    list_filter = ["organisation", "directorate"]
    search_fields = ["name", "title", "email", "user__username"]
    list_select_related = ["organisation", "directorate", "user"]
    autocomplete_fields = ["user"]


@admin.register(Directorate)
class DirectorateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "short_name"]
