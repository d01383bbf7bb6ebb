from django.db.models import prefetch_related_objects


def user_groups(get_response):
    """Load the signed-in user's groups (their roles) once per request: the navigation and
    every permission check read them from this one query."""

    def middleware(request):
        if request.user.is_authenticated:
            prefetch_related_objects([request.user], "groups")
        return get_response(request)

    return middleware
