"""Free text that customers write for others to read: visible characters only, stored NFC.

The classes of character refused are listed once, in ``INVISIBLE``; the API tests of every
free-text field (transfers/tests/api/test_free_text.py) send each of them.
"""

import unicodedata

import pytest
from rest_framework.exceptions import ValidationError

from bankcore.api.fields import FreeTextField
from bankcore.tests.helpers import INVISIBLE, STACKED

REFUSED = {
    "escape sequence": "paid \x1b[31mURGENT\x1b[0m",
    "carriage return": "rent\rREFUND",
    "line feed": "rent\nSecond line",
    "bell": "rent\x07",
    "right-to-left override": "invoice \u202egnp.exe",
    "zero-width space": "re\u200bnt",
    "line separator": "rent\u2028refund",
    "lone surrogate": "rent\ud800",
}


@pytest.mark.parametrize("text", [*REFUSED.values(), *INVISIBLE.values()], ids=[*REFUSED, *INVISIBLE])
def test_control_format_line_break_and_invisible_characters_are_refused(text):
    field = FreeTextField(max_length=140)
    with pytest.raises(ValidationError) as refusal:
        field.run_validation(text)
    assert refusal.value.get_codes() == ["invalid_character"]


def test_text_is_stored_in_nfc():
    decomposed = "Cafe\u0301 Zu\u0308rich"
    assert FreeTextField().run_validation(decomposed) == "Café Zürich"


def test_ordinary_text_in_any_script_is_kept():
    text = "Miete für Mai — 5 000 ₽, 家賃, إيجار, 🏠"
    assert FreeTextField().run_validation(f"  {text}  ") == text


@pytest.mark.parametrize("value", [123, 1.5, True, ["rent"], {"text": "rent"}])
def test_anything_but_a_string_is_refused(value):
    with pytest.raises(ValidationError) as refusal:
        FreeTextField(max_length=140).run_validation(value)
    assert refusal.value.get_codes() == ["invalid"]


def test_more_than_three_combining_marks_on_one_letter_are_refused():
    with pytest.raises(ValidationError) as refusal:
        FreeTextField().run_validation(STACKED)
    assert refusal.value.get_codes() == ["too_many_combining_marks"]


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Thị Minh Khai",  # two marks on one letter, as Vietnamese writes them
        "क्षत्रिय",  # Devanagari vowel signs and viramas
        "a\u0301\u0308\u0336 b",  # three marks: the most one letter may carry
        "שָׁלוֹם",  # Hebrew points
    ],
)
def test_letters_with_up_to_three_combining_marks_are_kept(text):
    assert FreeTextField().run_validation(text) == unicodedata.normalize("NFC", text)
