"""Hypothesis-generated input through the form layer: the intake's step forms as classes,
the submission form page (``/submit/form/``), the staff communication form and the sign-in
page, each through a real client that enforces CSRF.

The text is hostile on purpose: any Unicode, control characters, NUL bytes (which
PostgreSQL refuses in text), right-to-left marks, markup and template syntax, lengths at
and past each limit, in any combination of fields, known or not. Whatever is typed: never a
server error. A valid answer is stored exactly as typed after the one normalisation the
forms apply (Django strips spaces at both ends), sealed with the submission's key; an
invalid one stores nothing and the page shows again what was typed, escaped.

Raise ``SPCOMMS_FORM_FUZZ_EXAMPLES`` (a multiplier, 1 unless set) to search longer.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django import forms as django_forms
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pytest_django import Settings

from spcomms.accounts.models import User
from spcomms.communications.models import Communication
from spcomms.intake import forms as intake_forms
from spcomms.intake.crypto import text_open
from spcomms.intake.models import Submission, SubmissionVictim
from spcomms.reference.models import Mandate
from tests.intake.walk import FORM, answers_by_step, code_of, draft_of, victim

pytestmark = pytest.mark.django_db

SCALE = int(os.environ.get("SPCOMMS_FORM_FUZZ_EXAMPLES", "1"))
# Each example of a page test costs several requests: a failure is reported as found,
# not shrunk (shrinking one would take minutes).
PAGE_PHASES = [Phase.explicit, Phase.generate]
# What every test here shares: the same examples each run, none kept between runs, no deadline
# (a request's time depends on the machine), fixtures that live across examples.
FUZZING = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NUL_REFUSED = "Null characters are not allowed."
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

HOSTILE = (
    "\x00",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",
    "\ufeff",
    "\x1b[31m",
    "\r\n",
    "\u2028",
    "e\u0301",
    "\U0001d54f",
    "\U0001f469\U0001f3fd\u200d\u2696\ufe0f",
    "\u05d0\u05d1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% debug %}",
    "' OR '1'='1' --",
    "%00%0d%0a",
    "../../etc/passwd",
    "[[person:00000000000000000000000000000000]]",
)
# Lengths at and just past the limits of the fields (300 for names, 20,000 for answers).
LONG = st.builds(
    lambda unit, size: (unit * size)[:size],
    st.sampled_from(["A", "\u00e9", "\u202e", "<b>", "\U0001d54f"]),
    st.sampled_from([299, 300, 301, 19_999, 20_000, 20_001, 60_000]),
)


def hostile_text(*, allow_nul: bool = True) -> st.SearchStrategy[str]:
    piece = st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE))
    text = st.one_of(st.lists(piece, max_size=5).map("".join), LONG)
    return text if allow_nul else text.map(lambda value: value.replace("\x00", ""))


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def token_of(response: Any) -> str:
    found = _CSRF.search(response.content.decode())
    assert found, "the page carries no CSRF token"
    return found.group(1)


def shown(value: str) -> str:
    """How a typed value appears in a page: escaped, as Django renders a field's value."""
    return str(escape(value))


# The intake's step forms, as classes ------------------------------------------------------

STEP_FORMS: list[type[django_forms.Form]] = [
    intake_forms.SenderForm,
    intake_forms.UrgencyForm,
    intake_forms.VictimForm,
    intake_forms.EventsForm,
    intake_forms.BackgroundForm,
    intake_forms.RequestForm,
    intake_forms.ReviewForm,
    intake_forms.StatusCodeForm,
    intake_forms.SourceMessageForm,
]


def _text_fields(form_class: type[django_forms.Form]) -> list[str]:
    return [
        name
        for name, field in form_class.base_fields.items()
        if type(field) is django_forms.CharField
    ]


@settings(FUZZING, max_examples=120 * SCALE)
@given(data=st.data())
def test_a_source_typing_anything_into_any_step_gets_a_message_or_exactly_what_was_typed(
    reference: None, data: st.DataObject
) -> None:
    form_class = data.draw(st.sampled_from(STEP_FORMS), label="form")
    names = [*form_class.base_fields, "unknown", "draft", "v0-name"]
    typed: dict[str, str] = data.draw(
        st.dictionaries(st.sampled_from(names), hostile_text(), max_size=len(names)),
        label="typed",
    )
    form = form_class(typed)
    valid = form.is_valid()
    for name in _text_fields(form_class):
        value = typed.get(name, "")
        if "\x00" in value:
            assert NUL_REFUSED in form.errors.get(name, []), name
        elif valid:
            assert form.cleaned_data[name] == value.strip(), name
    assert valid or form.errors
    assert set(form.errors) <= {*form_class.base_fields, "__all__"}
    assert all(str(message).strip() for errors in form.errors.values() for message in errors)


# The submission form page ----------------------------------------------------------------


@pytest.fixture
def intake_folder(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "media" / "intake"
    settings.SPCOMMS_INTAKE_SUBMISSIONS = 10_000  # the fuzzing sends many
    return tmp_path


def step_fields(step: int) -> dict[str, Any]:
    """Valid answers for one step (the first person for the people's step)."""
    if step == intake_forms.VICTIMS_STEP:
        return victim(0, "Fuzz Person")
    return dict(answers_by_step("Fz")[step])


def post_step(client: Client, page: Any, fields: dict[str, Any], action: str = "next") -> Any:
    data = {
        "csrfmiddlewaretoken": token_of(page),
        "draft": draft_of(page),
        "action": action,
        **fields,
    }
    return client.post(FORM, data)


def walk_to(client: Client, step: int) -> Any:
    page = client.get(FORM)
    for earlier in range(step):
        page = post_step(client, page, step_fields(earlier))
        assert page.status_code == 200
    return page


FUZZED_STEPS = [0, 1, intake_forms.VICTIMS_STEP, 3, 4, 5]


@settings(FUZZING, max_examples=25 * SCALE, phases=PAGE_PHASES)
@given(data=st.data())
def test_a_source_posting_anything_to_a_step_of_the_form_gets_the_page_again_never_a_500(
    reference: None, intake_folder: Path, data: st.DataObject
) -> None:
    step = data.draw(st.sampled_from(FUZZED_STEPS), label="step")
    client = csrf_client()
    page = walk_to(client, step)
    valid = step_fields(step)
    prefix = "v0-" if step == intake_forms.VICTIMS_STEP else ""
    form_class = intake_forms.VictimForm if prefix else intake_forms.STEPS[step][1]
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(form_class.base_fields)), unique=True), label="fields"
    )
    typed = {prefix + name: data.draw(hostile_text(), label=name) for name in chosen}
    dropped = data.draw(st.lists(st.sampled_from(sorted(valid)), unique=True), label="dropped")
    fields = {key: value for key, value in valid.items() if key not in dropped} | typed
    before = Submission.objects.count()
    answer = post_step(client, page, fields)
    assert answer.status_code in (200, 400), answer.status_code
    assert Submission.objects.count() == before  # nothing is stored before it is sent
    if answer.status_code == 400:
        content = answer.content.decode()
        assert 'aria-invalid="true"' in content
        for name in _text_fields(form_class):
            value = typed.get(prefix + name)
            if value is not None:
                assert shown(value) in content, name
            if value is not None and "\x00" in value:
                assert escape(NUL_REFUSED) in content, name


FREE_TEXT = {
    "sender": ("sender_name", "sender_contact"),
    "urgency": ("urgency_reason",),
    "events": ("facts", "places"),
    "background": ("perpetrators", "context", "action_taken"),
    "request": ("requested_action", "press_release_reason", "joint_action_reason"),
}
PERSON_TEXT = ("name", "origin", "residence")
LIMITS = {"sender_name": 300, "sender_contact": 500, "name": 300, "origin": 300, "residence": 300}


def valid_text(name: str) -> st.SearchStrategy[str]:
    """What a form accepts for this field: no NUL, within its limit once stripped, and
    not blank when the answer is required."""
    limit = LIMITS.get(name, 20_000)
    text = hostile_text(allow_nul=False).map(lambda value: value.strip()[:limit])
    text = st.tuples(st.sampled_from(["", " ", "\n\t"]), text).map("".join)
    if name in ("facts", "name"):
        text = text.filter(lambda value: value.strip() != "")
    return text


@settings(FUZZING, max_examples=8 * SCALE, phases=PAGE_PHASES)
@given(data=st.data())
def test_a_sent_submission_keeps_exactly_what_was_typed_and_seals_it(
    reference: None, intake_folder: Path, data: st.DataObject
) -> None:
    typed = {
        name: data.draw(valid_text(name), label=name)
        for names in FREE_TEXT.values()
        for name in names
    }
    person = {name: data.draw(valid_text(name), label=name) for name in PERSON_TEXT}
    client = csrf_client()
    page = client.get(FORM)
    for step, (step_name, _form) in enumerate(intake_forms.STEPS[:-1]):
        fields = step_fields(step)
        if step == intake_forms.VICTIMS_STEP:
            fields |= {f"v0-{name}": value for name, value in person.items()}
        fields |= {name: typed[name] for name in FREE_TEXT.get(step_name, ())}
        if step_name == "urgency" and not typed["urgency_reason"].strip():
            fields["is_urgent"] = "no"  # an urgent case needs its reason
        page = post_step(client, page, fields)
        assert page.status_code == 200, step_name
    receipt = post_step(client, page, {"confirm": "on"}, action="send")
    assert receipt.status_code == 200
    assert code_of(receipt)
    submission = Submission.objects.latest("received_at")
    row = SubmissionVictim.objects.get(submission=submission)
    key = submission.sealing_key()
    stored: list[tuple[Submission | SubmissionVictim, dict[str, str]]] = [
        (submission, typed),
        (row, person),
    ]
    for obj, values in stored:
        for name, value in values.items():
            assert getattr(obj, name) == value.strip(), name
            rows = type(obj)._default_manager.filter(pk=obj.pk)
            raw = rows.values_list(name, flat=True).get()
            if value.strip():
                context = f"{obj._meta.db_table}.{name}"
                assert raw != value.strip()
                assert text_open(key, raw, context=context) == value.strip()


@pytest.mark.parametrize("where", ["facts", "places", "sender_name"])
def test_a_nul_byte_in_an_answer_is_refused_with_a_message_on_every_database(
    reference: None, intake_folder: Path, where: str
) -> None:
    step = 3 if where in ("facts", "places") else 0
    client = csrf_client()
    page = walk_to(client, step)
    typed = "Before\x00after <b>bold</b>"
    answer = post_step(client, page, step_fields(step) | {where: typed})
    assert answer.status_code == 400
    content = answer.content.decode()
    assert escape(NUL_REFUSED) in content
    assert shown(typed) in content
    assert Submission.objects.count() == 0


def test_a_form_past_the_upload_limits_is_refused_with_a_4xx(
    reference: None, intake_folder: Path
) -> None:
    client = csrf_client()
    page = client.get(FORM)
    token = token_of(page)
    huge = client.post(FORM, {"csrfmiddlewaretoken": token, "facts": "x" * 3_000_000})
    assert huge.status_code == 400
    many = {f"field{number}": "x" for number in range(1_500)}
    crowded = client.post(FORM, {"csrfmiddlewaretoken": token, **many})
    assert crowded.status_code == 400
    assert Submission.objects.count() == 0


# The staff communication form ----------------------------------------------------------

COMMUNICATION_TEXT = ("subject", "facts", "norms", "concerns", "questions")
COMMUNICATION_FIELDS = (
    *COMMUNICATION_TEXT,
    "type",
    "language",
    "lead_mandate",
    "joined_mandates",
    "addressee_states",
    "addressee_non_state",
    "copied_states",
    "concerns_reprisal",
    "unknown",
)


@settings(FUZZING, max_examples=25 * SCALE, phases=PAGE_PHASES)
@given(data=st.data())
def test_an_officer_typing_anything_into_the_communication_form_gets_no_500(
    secretariat_officer: User, data: st.DataObject
) -> None:
    client = csrf_client()
    client.force_login(secretariat_officer)  # the password's Argon2 once per example is slow
    page = client.get("/staff/communications/new/")
    chosen = data.draw(st.lists(st.sampled_from(COMMUNICATION_FIELDS), unique=True), label="fields")
    typed = {name: data.draw(hostile_text(), label=name) for name in chosen}
    base = {"type": "UA", "language": "en", "lead_mandate": str(lead_mandate_pk())}
    kept = data.draw(st.lists(st.sampled_from(sorted(base)), unique=True), label="kept")
    fields = {name: base[name] for name in kept} | typed
    before = Communication.objects.count()
    answer = client.post(
        "/staff/communications/new/", {"csrfmiddlewaretoken": token_of(page), **fields}
    )
    assert answer.status_code in (200, 302, 409), answer.status_code
    if answer.status_code == 302:
        created = Communication.objects.latest("pk")
        for name in COMMUNICATION_TEXT:
            assert getattr(created, name) == typed.get(name, "").strip(), name
        return
    assert Communication.objects.count() == before
    content = answer.content.decode()
    for name in COMMUNICATION_TEXT:
        if name in typed:
            assert shown(typed[name]) in content, name


def lead_mandate_pk() -> int:
    return Mandate.objects.get(code="sr-hrd").pk


# The sign-in page ------------------------------------------------------------------------


@settings(FUZZING, max_examples=40 * SCALE, phases=PAGE_PHASES)
@given(
    username=st.one_of(hostile_text(), st.just("sofia.secretariat")),  # the officer's account
    password=hostile_text(),
    drop=st.sampled_from(["", "u", "p"]),
)
def test_an_attacker_typing_anything_into_the_sign_in_form_gets_no_500_and_no_session(
    secretariat_officer: User, username: str, password: str, drop: str
) -> None:
    client = csrf_client()
    page = client.get("/accounts/login/")
    secret = f"Zq{password}qZ"
    fields = {"csrfmiddlewaretoken": token_of(page), "username": username, "password": secret}
    fields.pop({"u": "username", "p": "password"}.get(drop, "none"), None)
    answer = client.post("/accounts/login/", fields)
    assert answer.status_code in (200, 429), answer.status_code
    assert "_auth_user_id" not in client.session
    content = answer.content.decode()
    assert shown(secret) not in content
    assert html.escape(secret) not in content
    if "username" in fields and answer.status_code == 200:
        assert shown(username) in content
