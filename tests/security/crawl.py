"""Walk every URL pattern of the project and request each as every role.

:func:`routes` lists the patterns (recursively, from ``django.urls.get_resolver()``);
:func:`crawl` requests each for each role, with the role's own object, someone else's
and a missing one, by GET and then by POST, and records what came back. The tests in
``test_matrix.py`` hold those records against the matrix (``matrix.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.admin import ModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security import matrix
from tests.security.headers import cookie_problems, header_problems
from tests.security.world import MISSING_PK, ROLES, Target, World, targets


@dataclass(frozen=True)
class Route:
    key: str  # the pattern's name ("communications:detail"), or its route if it has none
    route: str  # the whole route, "staff/communications/<int:pk>/"
    model_admin: ModelAdmin[Any] | None

    @property
    def is_admin(self) -> bool:
        return self.route.startswith(matrix.ADMIN_PREFIX)


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            model_admin = getattr(pattern.callback, "model_admin", None)
            yield Route(name or route, route, model_admin)


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "/", ""))


# Filling a route with values ------------------------------------------------------------

_PATH_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def fill(route: str, kwargs: dict[str, Any]) -> str:
    url = _REGEX_PARAM.sub(lambda found: str(kwargs[found.group(1)]), route)
    url = _PATH_PARAM.sub(lambda found: str(kwargs[found.group(1)]), url)
    return url.replace("^", "").replace("$", "")


def admin_targets(world: World, route: Route) -> list[Target]:
    """The admin's URLs: a real object of the page's model where it takes one, and a
    missing id; the other parameters take values that exist."""
    params = set(_REGEX_PARAM.findall(route.route)) | set(
        _PATH_PARAM.findall(_REGEX_PARAM.sub("", route.route))
    )
    if not params:
        return [Target("own", {})]
    if "url" in params:  # the admin's catch-all
        return [Target("missing", {"url": "no/such/page/"})]
    if "app_label" in params:
        return [Target("own", {"app_label": "communications"})]
    if "content_type_id" in params:
        user = world.users["admin"]
        kind = ContentType.objects.get_for_model(user).pk
        return [
            Target("own", {"content_type_id": kind, "object_id": user.pk}),
            Target("missing", {"content_type_id": kind, "object_id": MISSING_PK}),
        ]
    app_label, model_name = route.route.split("/")[2:4]
    name = "object_id" if "object_id" in params else "id"
    found = world.admin_objects.get(apps.get_model(app_label, model_name))
    own = [Target("own", {name: found.pk})] if found is not None else []
    return [*own, Target("missing", {name: MISSING_PK})]


def route_targets(world: World, route: Route, role: str, method: str = "GET") -> list[Target]:
    if route.is_admin:
        found = admin_targets(world, route)
        if role in matrix.ADMIN_SITE_ROLES and method == "GET":
            return found
        # Every other role is sent to the admin's sign-in before any object is looked up.
        return found[:1]
    access = matrix.MATRIX[route.key]
    found = targets(world, access.obj, role)
    if method == "POST" and access.post is None:
        return found[:1]  # refused by method, before any object is looked up
    return found


# What came back -------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
_NUMBER = re.compile(r"\d+")


def outcome(response: HttpResponseBase) -> str:
    """``200``, ``404``..., ``login`` (sent to sign in), ``admin-login``, or ``302 /path/``."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if location.startswith(matrix.LOGIN_PATH):
            return matrix.LOGIN
        if location.startswith(matrix.ADMIN_LOGIN_PATH):
            return matrix.ADMIN_LOGIN
        return f"{response.status_code} {_NUMBER.sub('N', location.split('?')[0])}"
    return str(response.status_code)


def shape(response: HttpResponseBase, url: str) -> str:
    """The answer without what names the object asked for: ids, the address, the token."""
    location = response.headers.get("Location", "")
    body = b"" if getattr(response, "streaming", False) else response.content  # type: ignore[attr-defined]  # not streaming
    text = (body.decode(errors="replace") + "\n" + location).replace(url, "URL")
    for pattern, neutral in ((_TOKEN, "TOKEN"), (_UUID, "ID"), (_NUMBER, "N")):
        text = pattern.sub(neutral, text)
    return f"{response.status_code} {hashlib.sha256(text.encode()).hexdigest()[:16]}"


@dataclass
class Seen:
    key: str
    method: str
    role: str
    which: str
    url: str
    outcome: str
    shape: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    seen: list[Seen] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # POST groups after which data differed
    routes: list[Route] = field(default_factory=list)

    @property
    def route_of(self) -> dict[str, str]:
        return {route.key: route.route for route in self.routes}


# The state of the data, before and after the POSTs that must change nothing ----------------

_UNWATCHED = {"sessions.session", "throttle.throttlecount", "throttle.throttlekey"}


def _tables() -> list[str]:
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and model._meta.label_lower not in _UNWATCHED
    ]


def row_counts() -> dict[str, str]:
    """How many rows each table holds, in one query: what a refused POST must not change."""
    quote = connection.ops.quote_name
    tables = _tables()
    with connection.cursor() as cursor:
        counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608  # table names from the models
        cursor.execute(f"SELECT {counts}")
        return {table: str(count) for table, count in zip(tables, cursor.fetchone(), strict=True)}


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (sealed fields as stored): changed values too."""
    quote = connection.ops.quote_name
    digests = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608  # table names from the models
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def _request(world: World, role: str, method: str, url: str, tls: bool) -> HttpResponseBase:
    client = world.client(role)
    # Under TLS, as the reverse proxy passes it on (SECURE_PROXY_SSL_HEADER).
    extra: dict[str, Any] = {"secure": True, "HTTP_X_FORWARDED_PROTO": "https"} if tls else {}
    response = client.get(url, **extra) if method == "GET" else client.post(url, {}, **extra)
    # A message (the admin's "does not exist") would show on the next page: read it now.
    client.cookies.pop("messages", None)
    return response


def _record(
    crawl: Crawl, world: World, route: Route, method: str, role: str, target: Target, tls: bool
) -> None:
    url = fill(route.route, target.kwargs)
    response = _request(world, role, method, url, tls)
    problems = header_problems(response, tls=tls) + cookie_problems(response, tls=tls)
    crawl.seen.append(
        Seen(
            route.key,
            method,
            role,
            target.which,
            url,
            outcome(response),
            shape(response, url),
            problems,
        )
    )


def posts_own(route: Route, role: str) -> bool:
    """Whether the crawl posts to the role's own object: never where the role may post
    (the app's own tests cover what an allowed POST does)."""
    return matrix.expected(route.key, route.route, "POST", role) != matrix.MAY


def crawl(
    world: World, *, roles: tuple[str, ...] = ROLES, tls: bool = False, admin: bool = True
) -> Crawl:
    """GET every URL as every role; then, unless ``tls``, POST to it."""
    found = Crawl(routes=routes())
    known = [
        route
        for route in found.routes
        if (admin and route.is_admin) or (not route.is_admin and route.key in matrix.MATRIX)
    ]
    for route in known:
        for role in roles:
            for target in route_targets(world, route, role):
                _record(found, world, route, "GET", role, target, tls)
    if tls:
        return found
    for route in known:
        # Each URL's POSTs start from the same data: whatever one might change is undone.
        # Where the view takes POST, every row is compared; elsewhere (405, the admin's
        # sign-in redirect) the numbers of rows.
        takes_post = not route.is_admin and matrix.MATRIX[route.key].post is not None
        snapshot = fingerprint if takes_post else row_counts
        with transaction.atomic():
            before = snapshot()
            posted = []
            for role in roles:
                for target in route_targets(world, route, role, "POST"):
                    if target.which == "own" and not posts_own(route, role):
                        continue
                    _record(found, world, route, "POST", role, target, tls)
                    posted.append(f"{role}/{target.which}")
            after = snapshot()
            if posted and after != before:
                tables = [table for table in before if before[table] != after[table]]
                found.changed.append(
                    f"{route.key}: {', '.join(tables)} changed after POST by {', '.join(posted)}"
                )
            transaction.set_rollback(True)
    return found
