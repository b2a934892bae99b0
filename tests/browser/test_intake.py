"""A source's whole path in a real browser, in English, French and Spanish: the form with two
people and a picture, the receipt code, the status page, a message; and a wrong code."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django import Settings

from spcomms.intake.models import Submission, SubmissionAttachment, SubmissionMessage
from spcomms.reference.models import Country
from tests.browser.conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each language shows, to tell that the pages really speak it.
WORDS = {
    "en": {
        "language": "Language",
        "change": "Change",
        "title": "Send information to the UN experts",
        "urgent": "Is the situation urgent?",
        "gps": "the location where the picture was taken (GPS)",
        "received": "Received",
        "sent": "Your message was sent.",
        "wrong": "This code opens no submission",
    },
    "fr": {
        "language": "Langue",
        "change": "Changer",
        "title": "Envoyer des informations aux experts de l'ONU",
        "urgent": "La situation est-elle urgente ?",
        "gps": "le lieu où la photo a été prise (GPS)",
        "received": "Reçu",
        "sent": "Votre message a été envoyé.",
        "wrong": "Ce code n'ouvre aucun envoi",
    },
    "es": {
        "language": "Idioma",
        "change": "Cambiar",
        "title": "Enviar información a los expertos de la ONU",
        "urgent": "¿Es urgente la situación?",
        "gps": "el lugar donde se tomó la foto (GPS)",
        "received": "Recibido",
        "sent": "Su mensaje se ha enviado.",
        "wrong": "Este código no abre ningún envío",
    },
}


def _photo() -> bytes:
    image = Image.new("RGB", (32, 24), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "BrowserCamera"
    exif[0x8825] = {1: "N", 2: (4.0, 35.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _next(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("next").click()


def _person(page: Page, index: int, name: str) -> None:
    page.locator(f"#id_v{index}-name").fill(name)
    page.locator(f"#id_v{index}-age").fill("41")
    page.locator(f"#id_v{index}-gender").select_option("female")
    page.locator(f"#id_v{index}-residence").fill("Cali")
    page.locator(f"#id_v{index}-consent_given_by").select_option("victim")
    page.locator(f"#id_v{index}-consent_transmit_0").check()
    page.locator(f"#id_v{index}-consent_public_1").check()


@pytest.fixture
def intake_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "intake"
    cache.clear()
    return tmp_path / "intake"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_source_submits_follows_and_writes_in_each_language(
    page: Page, reference: None, traffic: Traffic, intake_dir: Path, language: str
) -> None:
    words = WORDS[language]
    page.goto("/submit/")
    page.get_by_label("Language").select_option(language)
    with page.expect_navigation():
        page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    expect(page.locator("html")).to_have_attribute("lang", language)
    with page.expect_navigation():
        page.get_by_test_id("start").click()

    # 1. Who sends it.
    page.locator("#id_sender_kind_1").check()
    page.locator("#id_sender_name").fill(f"Browser NGO {language}")
    page.locator("#id_sender_contact").fill("safe@example.org")
    _next(page)
    # 2. Urgency.
    expect(page.get_by_text(words["urgent"])).to_be_visible()
    page.locator("#id_is_urgent_0").check()
    page.locator("#id_urgency_reason").fill("Hearing next week.")
    page.locator("#id_act_before").fill((dt.date.today() + dt.timedelta(days=9)).isoformat())
    _next(page)
    # 3. Two people, the second added with the button; Enter in a name goes forward.
    _person(page, 0, "Ana Browser")
    with page.expect_navigation():
        page.get_by_test_id("add-victim").click()
    expect(page.locator("#id_v0-name")).to_have_value("Ana Browser")
    _person(page, 1, "Omar Browser")
    with page.expect_navigation():
        page.locator("#id_v1-name").press("Enter")
    # 4. What happened; the places are not to be transmitted.
    page.locator("#id_country").select_option(str(Country.objects.get(iso3="COL").pk))
    page.locator("#id_incident_from").fill((dt.date.today() - dt.timedelta(days=12)).isoformat())
    page.locator("#id_facts").fill("Both were detained after a protest.")
    page.locator("#id_places").fill("Police station 4")
    page.locator("#id_places_ntt").check()
    _next(page)
    # 5. Perpetrators, context, action taken.
    page.locator("#id_perpetrators").fill("Police officers")
    _next(page)
    # 6. What the experts should do.
    page.locator("#id_press_release_wanted_1").check()
    page.locator("#id_joint_action_wished_0").check()
    _next(page)
    # 7. Review, a picture, and send.
    expect(page.get_by_text("Both were detained after a protest.")).to_be_visible()
    page.locator("#id_file0").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.get_by_test_id("send").click()

    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code) == 29
    expect(page.get_by_text(words["gps"])).to_be_visible()
    submission = Submission.objects.get()
    assert submission.language == language
    assert [v.name for v in submission.victims.order_by("position")] == [
        "Ana Browser",
        "Omar Browser",
    ]
    assert submission.not_to_transmit == ["places"]
    assert SubmissionAttachment.objects.filter(submission=submission).count() == 1

    # The status page, opened with the code; a message to the staff.
    with page.expect_navigation():
        page.get_by_test_id("check-status").click()
    page.locator("#id_code").fill(code.lower())
    with page.expect_navigation():
        page.get_by_test_id("open").click()
    expect(page.get_by_test_id("status")).to_have_text(words["received"])
    page.locator("#id_body").fill("The hearing was moved to Monday.")
    with page.expect_navigation():
        page.get_by_test_id("send-message").click()
    expect(page.get_by_test_id("sent")).to_have_text(words["sent"])
    expect(page.get_by_text("The hearing was moved to Monday.")).to_be_visible()
    assert SubmissionMessage.objects.filter(submission=submission, from_source=True).count() == 1

    # Closing the page; then a wrong code is refused next to the field.
    with page.expect_navigation():
        page.get_by_test_id("close").click()
    page.goto("/submit/status/open/")
    expect(page.get_by_test_id("ended")).to_be_visible()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    page.locator("#id_code").fill(wrong)
    with page.expect_navigation():
        page.get_by_test_id("open").click()
    expect(page.locator("#id_code_error")).to_contain_text(words["wrong"])
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")

    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
    assert traffic.failed_assets == []
    assert traffic.foreign_requests(page.url.split("/submit/")[0]) == []
