"""Phone numbers: parsed with libphonenumber (phonenumbers), stored in E.164, shown back in the
format their owner writes them. Togo is the default country: "90 12 34 56" is +22890123456."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

DEFAULT_REGION = "TG"


def parse(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """The number in E.164, or None when it is not a valid number. A number without its
    international prefix is read in `region` (the person's country of residence)."""
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (region or DEFAULT_REGION).upper())
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


# Numbers an SMS can reach: not premium-rate, shared-cost or toll-free lines (each SMS is paid).
SMS_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def receives_sms(e164: str) -> bool:
    try:
        return phonenumbers.number_type(phonenumbers.parse(e164, None)) in SMS_TYPES
    except NumberParseException:
        return False


def display(e164: str, region: str = DEFAULT_REGION) -> str:
    """National format for a number of `region` ("90 12 34 56"), international otherwise
    ("+33 6 12 34 56 78"); the stored text when it cannot be read."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
