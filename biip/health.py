"""The service's health: `/health/` for the load balancer, and what people see when the
database does not answer (a 503 page with a plain message) or something else goes wrong
(the 500 page). Neither page shows a traceback or the error's text, and neither touches
the database: they are rendered without the request, so no context processor runs.

One handler500 covers every case. (A middleware's process_exception would see only the
views' exceptions: Django turns an exception raised in a middleware into a response at
that middleware's layer, so the layers outside it never see it raised.)"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 120

# If even the error page cannot be rendered (its template broken, the static files'
# manifest missing), these are sent instead.
PLAIN_UNAVAILABLE = "The service is unavailable at the moment. Try again in a few minutes.\n"
PLAIN_ERROR = "Sorry, something went wrong. Try again later.\n"


def is_database_down(error: BaseException | None) -> bool:
    """The database did not answer, dropped the connection, or refused the work for the
    moment (a lock or statement timeout): something that trying again later can cure.
    Django raises its own OperationalError and InterfaceError for psycopg's and sqlite3's."""
    return isinstance(error, (OperationalError, InterfaceError))


def _page(template_name: str, fallback: str) -> tuple[str, str]:
    try:
        context = {"service_name": settings.SERVICE_NAME}
        return loader.get_template(template_name).render(context), "text/html; charset=utf-8"
    except Exception:  # the error page must not fail in turn
        logger.exception("The %s page could not be rendered", template_name)
        return fallback, "text/plain; charset=utf-8"


def unavailable_response() -> HttpResponse:
    content, content_type = _page("503.html", PLAIN_UNAVAILABLE)
    response = HttpResponse(
        content,
        status=503,
        content_type=content_type,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it, with DEBUG off, while it handles an exception nothing
    else caught, raised by a view, by a middleware (the signed-in user's session is loaded
    in one, before the view) or while rendering the 403 or 404 page; Django has logged it
    with its traceback. If the database is down, the answer is the 503 page; otherwise the
    plain 500 page."""
    if is_database_down(sys.exc_info()[1]):
        return unavailable_response()
    content, content_type = _page("500.html", PLAIN_ERROR)
    return HttpResponse(content, status=500, content_type=content_type)


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 "ok" when the database answers, 503 when it does not.
    No sign-in; nothing about the error in the answer (it is in the log)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse(
            "unavailable\n",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
