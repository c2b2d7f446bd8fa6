"""SMS arithmetic and the gateway's signatures.

A text that uses only the GSM 03.38 alphabet (3GPP TS 23.038) travels as 7-bit characters:
160 in one SMS, 153 per part once it is split. One character outside it (ê, ç, «, a curly
apostrophe, an emoji) turns the whole text into UCS-2: 70 UTF-16 units in one SMS, 67 per part.
"""

import hashlib
import hmac
import time

# The default alphabet; each counts one septet.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: an escape septet, then the character (two septets each).
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7 = "GSM-7"
UCS2 = "UCS-2"


def encoding(text: str) -> str:
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def _units(text: str) -> list[int]:
    """What each character costs: septets in GSM-7, UTF-16 code units in UCS-2."""
    if encoding(text) == GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [len(c.encode("utf-16-le")) // 2 for c in text]


def length(text: str) -> int:
    """Septets in GSM-7, or UTF-16 code units in UCS-2 (an emoji counts two)."""
    return sum(_units(text))


def segments(text: str) -> int:
    """How many SMS the network bills for this text. Once split, each part holds 153 septets
    or 67 units, and a character is never cut in two: an escaped "€" or an emoji that does
    not fit whole starts the next part."""
    single, part = (160, 153) if encoding(text) == GSM7 else (70, 67)
    units = _units(text)
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for unit in units:
        if used + unit > part:
            count, used = count + 1, 0
        used += unit
    return count


# Webhooks ----------------------------------------------------------------------------------------
# The gateway signs each call: header `X-ANVT-Signature: t=<unix time>,v1=<hex>` where the hex is
# HMAC-SHA256(secret, "<t>." + raw body). A call older than the tolerance is a replay.

SIGNATURE_HEADER = "X-ANVT-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_is_valid(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    if not secret or not header:
        return False
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        stamp, given = parts["t"], parts["v1"].encode("ascii")
        if not stamp.isdigit() or len(stamp) > 12:  # a Unix time, not a number to overflow on
            return False
        timestamp = int(stamp)
    except (ValueError, KeyError, UnicodeError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1].encode("ascii")
    return hmac.compare_digest(expected, given)
