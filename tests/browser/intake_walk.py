"""Steps the intake's browser tests share: the language switch, the words a page must show
in each language, the submission form walked as a source walks it, and staff sign-in in
the source's language."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlsplit

from django.utils import translation
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from spcomms.accounts.models import User
from spcomms.reference.models import Country
from tests.accounts.totp import next_code
from tests.conftest import PASSWORD

LANGUAGES = ["en", "fr", "es"]

# The titles of the form's steps, as the pages head them.
STEP_TITLES = [
    "Who is sending this information",
    "Is it urgent?",
    "The people concerned, and their consent",
    "What happened",
    "Who did it, the context, and what was done",
    "What should the experts do",
    "Files, review and send",
]


def said(language: str, text: str) -> str:
    """``text`` as the catalogue of ``language`` says it; French and Spanish must have it
    translated, so that a page that shows it really speaks the language."""
    with translation.override(language):
        translated = translation.gettext(text)
    if language != "en":
        assert translated != text, f"{text!r} has no {language} translation"
    return translated


def expect_page(page: Page, language: str, heading: str) -> None:
    """The page is in ``language`` and its main heading is ``heading`` in that language."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(said(language, heading))


def choose_language(page: Page, language: str) -> None:
    """Switch language with the switch in the page's header, as a visitor does."""
    page.locator("#language-select").select_option(language)
    with page.expect_navigation():
        page.locator("form.language").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def photo() -> bytes:
    """A small JPEG that carries a camera name and a GPS position."""
    image = Image.new("RGB", (32, 24), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "BrowserCamera"
    exif[0x8825] = {1: "N", 2: (4.0, 35.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def next_step(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("next").click()


def fill_person(page: Page, index: int, name: str) -> None:
    page.locator(f"#id_v{index}-name").fill(name)
    page.locator(f"#id_v{index}-age").fill("41")
    page.locator(f"#id_v{index}-gender").select_option("female")
    page.locator(f"#id_v{index}-residence").fill("Cali")
    page.locator(f"#id_v{index}-consent_given_by").select_option("victim")
    page.locator(f"#id_v{index}-consent_transmit_0").check()
    page.locator(f"#id_v{index}-consent_public_1").check()


def days(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


def submit_through_the_form(
    page: Page, language: str, *, names: tuple[str, str], facts: str
) -> str:
    """From the first step to the receipt, checking each step's heading in ``language``:
    an organisation sends two people (the second added with the button) and a photo;
    the places are not to be transmitted. Returns the receipt code."""
    expect_page(page, language, STEP_TITLES[0])
    page.locator("#id_sender_kind_1").check()
    page.locator("#id_sender_name").fill(f"Browser NGO {language}")
    page.locator("#id_sender_contact").fill("safe@example.org")
    next_step(page)

    expect_page(page, language, STEP_TITLES[1])
    expect(page.get_by_text(said(language, "Is the situation urgent?"))).to_be_visible()
    page.locator("#id_is_urgent_0").check()
    page.locator("#id_urgency_reason").fill("Hearing next week.")
    page.locator("#id_act_before").fill(days(9))
    next_step(page)

    expect_page(page, language, STEP_TITLES[2])
    fill_person(page, 0, names[0])
    with page.expect_navigation():
        page.get_by_test_id("add-victim").click()
    expect(page.locator("#id_v0-name")).to_have_value(names[0])
    fill_person(page, 1, names[1])
    with page.expect_navigation():
        page.locator("#id_v1-name").press("Enter")  # Enter in a box goes forward

    expect_page(page, language, STEP_TITLES[3])
    page.locator("#id_country").select_option(str(Country.objects.get(iso3="COL").pk))
    page.locator("#id_incident_from").fill(days(-12))
    page.locator("#id_facts").fill(facts)
    page.locator("#id_places").fill("Police station 4")
    page.locator("#id_places_ntt").check()
    next_step(page)

    expect_page(page, language, STEP_TITLES[4])
    page.locator("#id_perpetrators").fill("Police officers")
    next_step(page)

    expect_page(page, language, STEP_TITLES[5])
    page.locator("#id_press_release_wanted_1").check()
    page.locator("#id_joint_action_wished_0").check()
    next_step(page)

    expect_page(page, language, STEP_TITLES[6])
    expect(page.get_by_text(facts)).to_be_visible()
    page.locator("#id_file0").set_input_files(
        files=[FilePayload(name="photo.jpg", mimeType="image/jpeg", buffer=photo())]
    )
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.get_by_test_id("send").click()

    expect_page(page, language, "Your submission was received")
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code) == 29, code
    return code


def open_status(page: Page, language: str, code: str, *, opens: bool = True) -> None:
    """Type the receipt code on the status page's door and open it (or, with ``opens``
    false, see it refused)."""
    page.goto("/submit/status/")
    expect_page(page, language, "Check your submission")
    page.get_by_label(said(language, "Your receipt code")).fill(code)
    with page.expect_navigation():
        page.get_by_test_id("open").click()
    expect_page(page, language, "Your submission" if opens else "Check your submission")


def staff_sign_in(page: Page, language: str, user: User) -> None:
    """Sign in in ``language``: the switch on the sign-in page, the password, then the
    code of the authenticator app (two-factor authentication)."""
    page.goto("/accounts/login/")
    choose_language(page, language)
    expect_page(page, language, "Staff sign-in")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=said(language, "Sign in"), exact=True).click()
    assert urlsplit(page.url).path == "/accounts/login/code/", "no second step"
    expect_page(page, language, "Sign-in: your code")
    page.locator("#id_code").fill(next_code(user))
    with page.expect_navigation():
        page.get_by_role("button", name=said(language, "Continue"), exact=True).click()
    assert urlsplit(page.url).path == "/accounts/home/", page.url
