"""Who may reach each URL of spcomms, and with which answer: the authorization matrix.

One entry per named URL pattern outside the admin site: the answer each role gets for its
own object (see ``world.py`` for what "own" means per role), by GET and by POST. The
admin site is covered by one rule (:func:`admin_expected`) applied to every admin URL.
``test_matrix.py`` fails when a pattern has no entry, when an entry names no pattern,
and when any answer differs.

Answers: ``"200"``, ``"404"``... (the status), ``LOGIN`` (sent to sign in),
``ADMIN_LOGIN`` (sent to the admin site's sign-in), ``"302 /path/"`` (sent there),
``MAY`` (a POST this role may make: the crawl does not make it on the role's own object;
the app's tests cover what it does). ``NO_POST``: the view refuses POST (405) to everyone.

For every role, someone else's object and a missing one must get the same answer, and for
a role refused its "own" object, that refusal must be the same as for a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
MAY = "may"
LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"
ADMIN_PREFIX = "/admin/"
ADMIN_SITE_ROLES = ("sec", "admin")  # the roles whose accounts may be is_staff

ROLE_ORDER = ("anon", "code", "org", "sec", "mh", "res", "admin")

Answers = dict[str, str]


def roles(*, anon: str, code: str, org: str, sec: str, mh: str, res: str, admin: str) -> Answers:
    return {
        "anon": anon,
        "code": code,
        "org": org,
        "sec": sec,
        "mh": mh,
        "res": res,
        "admin": admin,
    }


def everyone(answer: str) -> Answers:
    return dict.fromkeys(ROLE_ORDER, answer)


NO_POST = everyone("405")


@dataclass(frozen=True)
class Access:
    get: Answers
    post: Answers | None = None  # None: the view takes no POST (405 to everyone)
    obj: str | None = None  # the kind of object in the URL (world.OBJECTS), if any


# The admin site, by rule -------------------------------------------------------------------
# Every admin URL is crawled. Only secretariat and administrator accounts may be is_staff;
# everyone else is sent to the admin's sign-in before any object is looked up.

# Pages every staff account opens, and what the other admin URLs without a model answer.
ADMIN_SITE_PAGES = {
    "admin:index": "200",
    "admin:password_change": "200",
    "admin:password_change_done": "200",
    "admin:jsi18n": "200",
    "admin:login": "302 /admin/",
    "admin:logout": "405",  # POST only
    "admin:autocomplete": "403",  # asked without a field, as the crawl does
    "admin:view_on_site": "404",  # an account has no public page
    "/admin/(?P<url>.*)$": "404",  # any other address under /admin/
}

# The secretariat holds no model permission in the admin: it works through the staff pages.
# Administrators hold every permission, but these models are records the application keeps
# (audit, intake, merges, visits): the admin never adds or deletes them.
ADMINISTRATORS_REFUSED = {
    "audit.auditevent": ("add", "delete"),
    "intake.submission": ("add", "delete"),
    "intake.submissiontransition": ("add", "delete"),
    "intake.submissionvictim": ("add", "delete"),
    "intake.submissionmessage": ("add", "delete"),
    "intake.submissionattachment": ("add", "delete"),
    "cases.personmerge": ("add", "delete"),
    "cases.persondistinct": ("add", "delete"),
    "cases.personsplit": ("add", "delete"),
    "communications.referencecounter": ("add",),
    "visits.visitrequest": ("add", "delete"),
    "visits.standinginvitation": ("add", "delete"),
}


def admin_expected(key: str, route: str, method: str, role: str) -> str:
    if role not in ADMIN_SITE_ROLES:
        if key == "admin:login":
            return "200"
        if key == "admin:logout":
            return "302 /admin/"
        return ADMIN_LOGIN
    if method == "POST":
        return MAY
    if key in ADMIN_SITE_PAGES:
        return ADMIN_SITE_PAGES[key]
    if key == "admin:app_list":
        return "200" if role == "admin" else "404"  # no model of the app is the secretariat's
    parts = route.split("/")  # "", "admin", app, model, then the page
    if parts[-2] == "<path:object_id>":  # the short address of an object: sent to its page
        return f"302 {ADMIN_PREFIX}{parts[2]}/{parts[3]}/N/change/"
    if role == "sec":
        return "403"
    action = key.rsplit("_", 1)[-1]
    return "403" if action in ADMINISTRATORS_REFUSED.get(f"{parts[2]}.{parts[3]}", ()) else "200"


def expected(key: str, route: str, method: str, role: str) -> str:
    if route.startswith(ADMIN_PREFIX):
        return admin_expected(key, route, method, role)
    access = MATRIX[key]
    answers = access.get if method == "GET" else (access.post or NO_POST)
    return answers[role]


# Everything outside the admin site, by URL name ------------------------------------------

MATRIX: dict[str, Access] = {
    "publication:home": Access(get=everyone("200"), post=everyone("200")),
    "publication:statistics": Access(get=everyone("200"), post=everyone("200")),
    "publication:search": Access(get=everyone("200"), post=everyone("200")),
    "publication:download_csv": Access(get=everyone("200")),
    "publication:download_json": Access(get=everyone("200")),
    "publication:communication": Access(
        get=everyone("200"), post=everyone("200"), obj="public_communication"
    ),
    "publication:state": Access(get=everyone("200"), post=everyone("200"), obj="state"),
    "publication:mandate": Access(get=everyone("200"), post=everyone("200"), obj="mandate"),
    "publication:reports": Access(get=everyone("200"), post=everyone("200")),
    "publication:report": Access(get=everyone("200"), post=everyone("200"), obj="report"),
    "publication:report_pdf": Access(get=everyone("200"), post=everyone("200"), obj="report"),
    "api-v1:openapi-json": Access(get=everyone("200"), post=everyone("200")),
    "api-v1:communications_list": Access(get=everyone("200")),
    "api-v1:communications_detail": Access(get=everyone("200"), obj="public_communication"),
    "api-v1:facets": Access(get=everyone("200")),
    "api-v1:states_detail": Access(get=everyone("200"), obj="state"),
    "api-v1:reprisals_counts": Access(get=everyone("200")),
    "api-v1:api-root": Access(get=everyone("404"), post=everyone("404")),
    "accounts:login": Access(
        get=roles(
            anon="200",
            code="200",
            org="302 /accounts/home/",
            sec="302 /accounts/home/",
            mh="302 /accounts/home/",
            res="302 /accounts/home/",
            admin="302 /accounts/home/",
        ),
        post=roles(anon="200", code="200", org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "accounts:second_step": Access(
        get=roles(
            anon=LOGIN,
            code=LOGIN,
            org="302 /accounts/home/",
            sec="302 /accounts/home/",
            mh="302 /accounts/home/",
            res="302 /accounts/home/",
            admin="302 /accounts/home/",
        ),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "accounts:logout": Access(
        get=everyone("405"),
        post=roles(anon=MAY, code=MAY, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "accounts:home": Access(
        get=roles(
            anon=LOGIN,
            code=LOGIN,
            org="302 /submit/account/",
            sec="200",
            mh="200",
            res="200",
            admin="200",
        ),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec="200", mh="200", res="200", admin="200"),
    ),
    "accounts:security": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="200", sec="200", mh="200", res="200", admin="200"),
        post=roles(anon=LOGIN, code=LOGIN, org="405", sec="405", mh="405", res="405", admin="405"),
    ),
    "accounts:setup": Access(
        get=roles(
            anon=LOGIN,
            code=LOGIN,
            org="302 /accounts/security/",
            sec="302 /accounts/security/",
            mh="302 /accounts/security/",
            res="302 /accounts/security/",
            admin="302 /accounts/security/",
        ),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "accounts:recovery_codes": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="405", sec="405", mh="405", res="405", admin="405"),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "accounts:sessions_end": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="405", sec="405", mh="405", res="405", admin="405"),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "accounts:password_change": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="200", sec="200", mh="200", res="200", admin="200"),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "intake:start": Access(get=everyone("200"), post=everyone("200")),
    "intake:form": Access(
        get=everyone("200"),
        post=roles(anon=MAY, code=MAY, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "intake:status_enter": Access(
        get=everyone("200"),
        post=roles(anon=MAY, code=MAY, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "intake:status": Access(
        get=everyone("200"),
        post=roles(anon="403", code=MAY, org="403", sec="403", mh="403", res="403", admin="403"),
    ),
    "intake:status_close": Access(
        get=everyone("405"),
        post=roles(anon=MAY, code=MAY, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "intake:account": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="200", sec="403", mh="403", res="403", admin="403")
    ),
    "intake:account_new": Access(
        get=roles(
            anon="200",
            code="200",
            org="302 /submit/account/",
            sec="302 /submit/account/",
            mh="302 /submit/account/",
            res="302 /submit/account/",
            admin="302 /submit/account/",
        ),
        post=roles(anon=MAY, code=MAY, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
    "intake:account_close": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="200", sec="403", mh="403", res="403", admin="403"),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec="403", mh="403", res="403", admin="403"),
    ),
    "intake:account_submission": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="200", sec="403", mh="403", res="403", admin="403"),
        post=roles(anon=LOGIN, code=LOGIN, org=MAY, sec="403", mh="403", res="403", admin="403"),
        obj="account_submission",
    ),
    "intake_replies:comment": Access(
        get=everyone("200"),
        post=roles(anon="403", code=MAY, org="403", sec="403", mh="403", res="403", admin="403"),
        obj="source_reply",
    ),
    "intake_replies:account_comment": Access(
        get=roles(anon="404", code="404", org="200", sec="404", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org=MAY, sec="404", mh="404", res="404", admin="404"),
        obj="account_reply",
    ),
    "followup_source:questionnaire": Access(
        get=everyone("200"),
        post=roles(anon="403", code=MAY, org="403", sec="403", mh="403", res="403", admin="403"),
        obj="source_questionnaire",
    ),
    "followup_source:account_questionnaire": Access(
        get=roles(anon="404", code="404", org="200", sec="404", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org=MAY, sec="404", mh="404", res="404", admin="404"),
        obj="account_questionnaire",
    ),
    "communications:list": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
    ),
    "communications:create": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
    ),
    "communications:statistics": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="200", admin="200")
    ),
    "communications:statistics_report": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="200", admin="200")
    ),
    "communications:statistics_csv": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="200", admin="200"),
        obj="statistics_table",
    ),
    "communications:from_case_files": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin="404"),
    ),
    "communications:detail": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        obj="communication",
    ),
    "communications:letter": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        obj="communication",
    ),
    "communications:letter_pdf": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="200", res="404", admin="200"),
        obj="communication",
    ),
    "communications:edit": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        obj="communication",
    ),
    "communications:name": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        obj="communication",
    ),
    "communications:approve": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh=MAY, res="404", admin=MAY),
        obj="communication",
    ),
    "communications:send": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="communication",
    ),
    "communications:withhold": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="communication",
    ),
    "communications:unwithhold": Access(
        get=roles(anon="404", code="404", org="404", sec="409", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="communication",
    ),
    "communications:reply_new": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        post=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="404"),
        obj="communication",
    ),
    "communications:reply_classify": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="staff_reply",
    ),
    "intake_staff:inbox": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="403", admin="403")
    ),
    "intake_staff:detail": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:assign": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:message": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:info_request": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:status": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:no_action": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:case_file": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin="404"),
        obj="submission",
    ),
    "intake_staff:file": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="404"),
        obj="intake_file",
    ),
    "intake_staff:file_original": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="404", mh="404", res="404", admin="404"),
        obj="intake_file",
    ),
    "cases:list": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="200")
    ),
    "cases:duplicates": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="200")
    ),
    "cases:detail": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="404", admin="200"),
        obj="person",
    ),
    "cases:merge": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="person",
    ),
    "cases:distinct": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="person",
    ),
    "cases:split": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="person",
    ),
    "cases:merge_undo": Access(
        get=everyone("405"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="merge",
    ),
    "reprisals:register": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="403", admin="200")
    ),
    "reprisals:create": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="403", admin="200"),
        post=roles(anon=LOGIN, code=LOGIN, org="403", sec=MAY, mh="403", res="403", admin=MAY),
    ),
    "reprisals:export": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="403", sec="200", mh="403", res="403", admin="200")
    ),
    "reprisals:detail": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="200"),
        obj="allegation",
    ),
    "reprisals:edit": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="200"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="allegation",
    ),
    "reprisals_public:page": Access(get=everyone("200")),
    "followup:list": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="200", admin="200")
    ),
    "followup:detail": Access(
        get=roles(anon="404", code="404", org="404", sec="200", mh="404", res="200", admin="200"),
        post=roles(anon="404", code="404", org="404", sec=MAY, mh="404", res=MAY, admin=MAY),
        obj="follow_up",
    ),
    "visits:list": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="200")
    ),
    "visits:create": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="200"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
    ),
    "visits:detail": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="200"),
        obj="visit",
    ),
    "visits:step": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="visit",
    ),
    "visits:links": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="visit",
    ),
    "visits:recommendation_new": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="visit",
    ),
    "visits:recommendation_update": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="recommendation",
    ),
    "visits:invitations": Access(
        get=roles(anon=LOGIN, code=LOGIN, org="404", sec="200", mh="404", res="404", admin="200"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
    ),
    "visits:invitation_withdraw": Access(
        get=everyone("405"),
        post=roles(anon=LOGIN, code=LOGIN, org="404", sec=MAY, mh="404", res="404", admin=MAY),
        obj="invitation",
    ),
    "set_language": Access(
        get=everyone("302 /"),
        post=roles(anon=MAY, code=MAY, org=MAY, sec=MAY, mh=MAY, res=MAY, admin=MAY),
    ),
}
