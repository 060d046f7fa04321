"""What a refused or failed import says: the errors of a whole file, how many more there are, and
counts and sizes written the Swedish way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kpis.formatting import format_number


@dataclass(frozen=True)
class FileError:
    """A problem with the whole file rather than with one row."""

    message: str

    def __str__(self) -> str:
        return self.message


class ImportFailed(Exception):
    """The file was not imported; nothing was written."""

    def __init__(self, errors: list, error_count: int | None = None):
        self.errors = errors
        self.error_count = len(errors) if error_count is None else error_count
        super().__init__(self.summary())

    @property
    def unlisted_count(self) -> int:
        """How many errors were found beyond those kept in ``errors``."""
        return max(self.error_count - len(self.errors), 0)

    def more_errors_text(self) -> str:
        """ "… och 1 249 900 fel till", or "" when every error is listed."""
        if not self.unlisted_count:
            return ""
        return _("… and %(count)s more errors") % {"count": format_count(self.unlisted_count)}

    def summary(self) -> str:
        """Every listed error, then how many more there are."""
        parts = [str(error) for error in self.errors]
        return "; ".join(filter(None, [*parts, self.more_errors_text()]))

    def __str__(self) -> str:
        return self.summary()


class UnreadableFile(ImportFailed):
    """The file itself was refused (size, encoding, format, rows); one message says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__([FileError(message)])


def format_count(number: int) -> str:
    """A whole number the Swedish way ("1 249 900")."""
    return format_number(Decimal(number), 0)


def format_size(size: int) -> str:
    """A file size for a person: "20 MB", "512 kB", "900 byte"."""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            value = (Decimal(size) / factor).quantize(Decimal("0.1"))
            decimals = 0 if value == value.to_integral_value() or value >= 100 else 1
            return f"{format_number(value, decimals)}\xa0{unit}"
    return f"{format_count(size)}\xa0byte"


def limited_rows(rows: Iterator[list], max_rows: int | None) -> Iterator[list]:
    """The heading and at most ``max_rows`` rows after it; one more refuses the file."""
    for index, row in enumerate(rows):
        if max_rows is not None and index > max_rows:
            raise UnreadableFile(
                _("The file has more than %(limit)s rows and cannot be imported. Split it into smaller files.")
                % {"limit": format_count(max_rows)}
            )
        yield row
