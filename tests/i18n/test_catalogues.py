"""The French and Spanish catalogues: complete, faithful to their placeholders, compiled.

They are committed, both ``.po`` and ``.mo``, so that spcomms runs where GNU
gettext is not installed. ``make messages`` refreshes and compiles them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django_stubs_ext import StrOrPromise

import spcomms
from tests.i18n import mo, po

PACKAGE = Path(spcomms.__file__).parent
LANGUAGES = ["fr", "es"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%%")
TEMPLATE_TRANSLATE = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""")


def catalogue(language: str) -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[po.Entry]:
    return [entry for entry in po.parse(catalogue(language)) if not entry.is_header]


def msgids(language: str) -> set[str]:
    return {entry.msgid for entry in messages(language)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation_that_is_not_fuzzy(language: str) -> None:
    entries = po.parse(catalogue(language))
    untranslated = [
        f"line {entry.line}: {entry.msgid!r}"
        for entry in entries
        if not entry.is_header and (entry.is_fuzzy or not entry.is_translated)
    ]

    assert len(entries) > 100
    assert not entries[0].is_fuzzy, "the header is still marked fuzzy"
    assert untranslated == [], (
        f"{len(untranslated)} messages lack a {language} translation; fill them in "
        f"{catalogue(language).relative_to(PACKAGE.parent.parent)} and run `make messages`."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_message_has_as_many_forms_as_the_header_declares(language: str) -> None:
    entries = po.parse(catalogue(language))
    declared = re.search(r"nplurals=(\d+)", entries[0].msgstr[0])
    assert declared is not None, "the header declares no Plural-Forms"
    forms = int(declared.group(1))
    short = [
        f"line {entry.line}: {entry.msgid!r} has {len(entry.msgstr)}"
        for entry in entries
        if entry.msgid_plural is not None and sorted(entry.msgstr) != list(range(forms))
    ]
    assert short == [], f"plural messages need {forms} forms (msgfmt --check refuses them)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    wrong = []
    for entry in messages(language):
        for index, translated in entry.msgstr.items():
            source = entry.msgid if index == 0 else (entry.msgid_plural or entry.msgid)
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                wrong.append((entry.msgid, translated))

    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language: str) -> None:
    compiled = mo.read(catalogue(language).with_suffix(".mo"))
    expected = {}
    for entry in messages(language):
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            forms = [entry.msgstr[index] for index in sorted(entry.msgstr)]
            expected[f"{entry.key}\x00{entry.msgid_plural}"] = "\x00".join(forms)
    compiled.pop("", None)  # the header

    assert compiled == expected, "the .mo is stale: run `make messages` and commit both files."


def _model_labels() -> Iterator[StrOrPromise]:
    for config in apps.get_app_configs():
        if not config.name.startswith("spcomms."):
            continue
        for klass in config.get_models():
            names = (klass._meta.verbose_name, klass._meta.verbose_name_plural)
            yield from (name for name in names if name is not None)
            for field in klass._meta.get_fields():
                if not isinstance(field, models.Field):
                    continue
                yield from (field.verbose_name, field.help_text)
                for _value, label in field.flatchoices or []:
                    yield label


def test_every_model_label_and_choice_is_translated() -> None:
    """Each label is in our catalogues, or Django's own translates it (AbstractUser's)."""
    lazy = [label for label in _model_labels() if isinstance(label, Promise)]
    with translation.override("en"):
        english = {str(label): label for label in lazy}

    assert len(english) > 200
    for language in LANGUAGES:
        ours = msgids(language)
        with translation.override(language):
            missing = [
                source
                for source, label in english.items()
                if source not in ours and str(label) == source
            ]
        assert missing == [], f"model labels with no {language} translation"


def test_the_language_names_are_in_the_catalogues() -> None:
    with translation.override("en"):
        names = {str(name) for _code, name in settings.LANGUAGES}

    for language in LANGUAGES:
        assert names <= msgids(language)


def test_every_template_string_is_in_the_catalogues() -> None:
    found = {
        match.group(2)
        for template in (PACKAGE / "templates").rglob("*.html")
        for match in TEMPLATE_TRANSLATE.finditer(template.read_text(encoding="utf-8"))
    }

    assert len(found) > 30
    for language in LANGUAGES:
        assert found - msgids(language) == set(), f"template strings missing from {language}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Communications publiées"), ("es", "Comunicaciones publicadas")],
)
def test_django_loads_the_committed_catalogues(language: str, expected: str) -> None:
    with translation.override(language):
        assert translation.gettext("Published communications") == expected
        assert str(settings.LANGUAGES[1][1]) in {"Français", "Francés"}
