"""A rate limit per Coupang vendor shared by every Odoo process on the database.

Coupang throttles each vendor at about 10 calls per second and answers 429 above (Coupang docs:
technical-faq, 429). Each call takes the vendor's next free slot in ``ec_coupang_rate_slot`` with
one short transaction on a cursor of its own, committed at once (never the caller's transaction,
no lock held while sleeping), then sleeps until its slot. The times are the database's clock, the
one clock all the servers of the database share. A call that wakes late (a busy machine) moves
the vendor's later slots back by as much: the spacing holds between the calls as they leave.
"""

import time

import psycopg2

# A call leaves a little after its slot (a sleep wakes late, the process reads a page meanwhile, by a
# different amount each time): the slots are spaced wider than 1/rate, so that no second of Coupang
# holds one call more, even when one call of ten leaves 0.1 s late.
SPACING_MARGIN = 1.15
# A call leaving later than this after its slot moves the vendor's later slots back.
LATE_TOLERANCE = 0.005
# The pause of the vendor's calls when Coupang warns (X-CAG-Warnings) or answers 429.
SLOW_DOWN_SECONDS = 1.0
# Tries of a slot's update when another process updated the vendor's row while this one waited for
# it (Odoo's cursors are repeatable read: the update must start again in a new transaction).
UPDATE_TRIES = 10

_TAKE_SLOT = """
    INSERT INTO ec_coupang_rate_slot AS slot (vendor_key, next_free)
    VALUES (%(key)s, extract(epoch FROM clock_timestamp()) + %(spacing)s)
    ON CONFLICT (vendor_key) DO UPDATE
        SET next_free = GREATEST(slot.next_free, extract(epoch FROM clock_timestamp())) + %(spacing)s
    RETURNING slot.next_free - %(spacing)s - extract(epoch FROM clock_timestamp())
"""
_SHIFT = """
    UPDATE ec_coupang_rate_slot SET next_free = next_free + %(late)s WHERE vendor_key = %(key)s
"""
_PAUSE = """
    UPDATE ec_coupang_rate_slot
       SET next_free = GREATEST(next_free, extract(epoch FROM clock_timestamp())) + %(pause)s
     WHERE vendor_key = %(key)s
"""


class VendorRateLimit:
    """``throttle()`` before each call of the vendor; ``slow_down()`` when Coupang says it is near
    its limit. ``rate``: calls per second."""

    def __init__(self, registry, vendor_key, rate, sleep=time.sleep, clock=time.monotonic):
        if rate <= 0:
            raise ValueError(f"A rate limit is a positive number of calls per second, not {rate!r}.")
        self._registry = registry
        self.vendor_key = vendor_key
        self.spacing = SPACING_MARGIN / rate
        self._sleep = sleep
        self._clock = clock

    def take_slot(self):
        """Takes the vendor's next slot; returns the seconds until it (0 when it is now)."""
        wait = self._update(_TAKE_SLOT, {"key": self.vendor_key, "spacing": self.spacing})
        return max(0.0, wait)

    def _update(self, query, params):
        """Runs ``query`` in a transaction of its own, committed at once; its first value, if any."""
        for attempt in range(1, UPDATE_TRIES + 1):
            try:
                with self._registry.cursor() as cr:
                    cr.execute(query, params)
                    return cr.fetchone()[0] if cr.description else None
            except psycopg2.errors.SerializationFailure:
                if attempt == UPDATE_TRIES:
                    raise
        return None

    def throttle(self):
        wait = self.take_slot()
        if not wait:
            return
        start = self._clock()
        self._sleep(wait)
        late = self._clock() - start - wait
        if late > LATE_TOLERANCE:
            self._update(_SHIFT, {"key": self.vendor_key, "late": late})

    def slow_down(self):
        self._update(_PAUSE, {"key": self.vendor_key, "pause": SLOW_DOWN_SECONDS})
