import re
from datetime import datetime, time, timezone

import pytz


def to_naive_utc(moment):
    """An aware datetime as Odoo stores it: naive, in UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def day_start_utc(day, tz_name):
    """The moment ``day`` begins in the time zone ``tz_name``, as Odoo stores it: naive, in UTC."""
    return to_naive_utc(pytz.timezone(tz_name or "UTC").localize(datetime.combine(day, time.min)))


def in_time_zone(naive_utc, tz_name):
    """A datetime as Odoo stores it (naive, in UTC), as the wall time of the time zone ``tz_name``."""
    return pytz.utc.localize(naive_utc).astimezone(pytz.timezone(tz_name or "UTC"))


def without_seconds(time_format):
    """A language's time format (``res.lang``) to the minute: ``%H:%M:%S`` becomes ``%H:%M`` and
    ``%H時%M分%S秒`` becomes ``%H時%M分``, the seconds' separator or unit going with them."""
    return re.sub(r"[:.]?%S[^%\s:]*", "", time_format).strip()


def doubling_delay(attempts, first, longest):
    """The pause before the next try of something that failed ``attempts`` times: ``first``,
    doubled with each further failure, at most ``longest``."""
    return min(first * 2 ** (attempts - 1), longest)
