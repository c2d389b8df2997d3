"""Times of day of the order fetch schedule."""

from datetime import datetime, time, timedelta

import pytz

MINUTES_PER_DAY = 24 * 60


def format_minute(minute):
    return "%02d:%02d" % divmod(minute, 60)


def local_time_to_utc_minute(hours, tz_name, on_date):
    """The UTC minute of the day at which the local time ``hours`` (float) falls on ``on_date``."""
    hour, minute = divmod(round(hours * 60) % MINUTES_PER_DAY, 60)
    tz = pytz.timezone(tz_name or "UTC")
    local = tz.localize(datetime.combine(on_date, time(hour, minute)))
    utc = local.astimezone(pytz.UTC)
    return utc.hour * 60 + utc.minute


def next_occurrence(utc_minute, now):
    """The first naive UTC datetime after ``now`` whose time of day is ``utc_minute``."""
    hour, minute = divmod(utc_minute, 60)
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= now:
        candidate += timedelta(days=1)
    return candidate
