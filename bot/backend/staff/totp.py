"""TOTP second factor (RFC 6238, 30-second steps, 6 digits) with replay protection.

A code is accepted for the current step or one step either side (clock drift), and only
for a step later than the last one accepted, so an overheard code cannot be used again.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re

import pyotp

ISSUER = "Support dashboard"
_CODE = re.compile(r"^[0-9]{6}$")


def new_secret() -> str:
    """A random 160-bit base32 secret."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI authenticator apps accept when typed or pasted."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: dt.datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, if it is valid and unused; otherwise None."""
    code = code.replace(" ", "")
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
