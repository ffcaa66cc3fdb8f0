"""Free text that customers write for others to read: visible characters only, stored NFC."""

import pytest
from rest_framework.exceptions import ValidationError

from bankcore.api.fields import FreeTextField

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


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_control_format_and_line_break_characters_are_refused(text):
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
