"""A log line for every refused request: who was refused what, never what they typed.

Each 403, and each 404 met by a signed-in account or on a staff or admin address, is written to
the ``spcomms.access`` logger with the answer, the method, the route pattern (``staff/persons/
<int:pk>/``, not the address with its numbers and query), and the account's number and role, or
"anonymous". No address, query string, client address or content is logged: the pattern says
what was tried, and spcomms never logs names, contacts, receipt codes or search terms. A 404 is
logged because spcomms answers a forbidden object as a missing one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("spcomms.access")
GUARDED = ("/staff/", "/admin/", "/submit/account/")


class RefusedRequestLog:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        user = getattr(request, "user", None)
        who = "anonymous"
        if user is not None and user.is_authenticated:
            who = f"account {user.pk} ({getattr(user, 'role', '')})"
        guarded = request.path.startswith(GUARDED)
        if status == 403 or (status == 404 and (who != "anonymous" or guarded)):
            match = request.resolver_match
            route = match.route if match is not None else "(no route)"
            logger.warning("refused %s %s %s for %s", status, request.method, route, who)
        return response
