"""The words the model's table shows, translatable while the statistics stay free of Django.

The analysis modules import no Django: whoever shows their results passes a translation
function (Django's ``gettext`` on a page or in the report; none for the JSON, which stays in
English so that its values are stable). A text a reader sees is written
``gettext_noop("...")`` with the function of this module of that name, which only marks it for
``make messages`` (the name is one xgettext looks for). A message with values is a
``Text``: it reads as English wherever it is kept (a fit's reasons, the JSON, the tests) and
keeps its template and values, so that ``translated`` can put it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translate = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Marks ``message`` for translation; translated later, where it is shown."""
    return message


def english(message: str) -> str:
    """The translation function of a reader of English: each text as written."""
    return message


class Text(str):
    """A message with its values: English as a string, translatable through ``translated``."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Text:
        text = super().__new__(cls, template.format(**values))
        text.template = template
        text.values = values
        return text

    def __copy__(self) -> Text:
        return self  # immutable, like any string

    def __deepcopy__(self, memo: dict[int, Any]) -> Text:
        return self

    def __reduce__(self) -> tuple[Callable[..., Text], tuple[str, dict[str, Any]]]:
        return _rebuilt, (self.template, self.values)


def _rebuilt(template: str, values: dict[str, Any]) -> Text:
    return Text(template, **values)


def translated(text: str, translate: Translate) -> str:
    """``text`` in the reader's language: a ``Text`` with its values put in again (a value
    that is itself a ``Text`` translated too; names, codes and numbers as they are), any other
    text looked up as it stands."""
    if not isinstance(text, Text):
        return translate(text)
    values = {
        name: translated(value, translate) if isinstance(value, Text) else value
        for name, value in text.values.items()
    }
    return translate(text.template).format(**values)
