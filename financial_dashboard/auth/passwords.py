"""The most common passwords, refused at registration and password change (ASVS 2.1.7).

The bundled list is Django's (BSD licence, see data/NOTICE.md): 20,000 common passwords collected by
Royce Williams from breach corpora, lower-cased, here cut to the 8,354 of 8 characters or more (shorter
ones are refused for their length anyway).
"""

import functools
import gzip
from pathlib import Path

from marshmallow import ValidationError

LIST = Path(__file__).with_name("data") / "common-passwords.txt.gz"
MESSAGE = "This is one of the most common passwords; choose one that is harder to guess."


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def not_common(password: str) -> None:
    """A marshmallow validator: the password, compared without case, is not on the list."""
    if password.strip().lower() in common_passwords():
        raise ValidationError(MESSAGE)
