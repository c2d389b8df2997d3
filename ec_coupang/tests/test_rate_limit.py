"""The rate limit per Coupang vendor, shared through PostgreSQL by every process of the database."""

from odoo.tests import tagged

from ..tools.rate_limit import SPACING_MARGIN, VendorRateLimit
from .common import EcCoupangCase


@tagged("post_install", "-at_install")
class TestVendorRateLimit(EcCoupangCase):
    def setUp(self):
        super().setUp()
        self.vendor_key = f"TEST-{self.id()}"
        self.addCleanup(self.drop_slot)

    def drop_slot(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM ec_coupang_rate_slot WHERE vendor_key = %s", [self.vendor_key])

    def limiter(self, rate=10.0):
        return VendorRateLimit(self.registry, self.vendor_key, rate)

    def test_two_cursors_share_the_vendors_slots(self):
        first, second = self.limiter(), self.limiter()
        waits = [first.take_slot(), second.take_slot(), first.take_slot(), second.take_slot()]
        spacing = SPACING_MARGIN / 10
        self.assertEqual(waits[0], 0.0, "the first call goes at once")
        for index, wait in enumerate(waits[1:], start=1):
            # Each slot one spacing after the one before, whichever limiter took it; the few
            # milliseconds between the calls only shorten the wait.
            self.assertLessEqual(wait, index * spacing)
            self.assertGreater(wait, index * spacing - 0.5 * spacing)
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM ec_coupang_rate_slot WHERE vendor_key = %s", [self.vendor_key])
            self.assertEqual(cr.fetchone()[0], 1, "one row per vendor, committed by each call")

    def test_a_call_leaving_its_slot_late_never_makes_eleven_in_a_second(self):
        """Coupang counts the calls as they arrive. A call leaves after its slot, later by whatever
        the process did meanwhile (a page of orders read in the same process: 1 x 429 in 5000 orders
        with slots 1.05/rate apart): the tenth call after one that left 0.1 s late must still arrive
        more than a second after it."""
        limiter = self.limiter(rate=10.0)
        self.assertGreater(10 * limiter.spacing - 0.1, 1.0)

    def test_a_slot_is_taken_outside_the_callers_transaction(self):
        self.limiter().take_slot()
        self.env.cr.execute("SELECT count(*) FROM ec_coupang_rate_slot WHERE vendor_key = %s", [self.vendor_key])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the test's transaction started before: not its row")
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM ec_coupang_rate_slot WHERE vendor_key = %s", [self.vendor_key])
            self.assertEqual(cr.fetchone()[0], 1)

    def test_slowing_down_pushes_the_next_slot_back(self):
        limiter = self.limiter()
        limiter.take_slot()
        limiter.slow_down()
        self.assertGreater(limiter.take_slot(), 0.9)

    def test_a_call_that_wakes_late_moves_the_later_slots_back(self):
        now = [100.0]

        def oversleep(seconds):
            now[0] += seconds + 0.3

        late_sleeper = VendorRateLimit(self.registry, self.vendor_key, 10.0, sleep=oversleep, clock=lambda: now[0])
        late_sleeper.take_slot()
        late_sleeper.throttle()  # the second slot, left 0.3 s late
        spacing = SPACING_MARGIN / 10
        wait = self.limiter().take_slot()
        # The third slot: one spacing after the second call really left, not after its slot.
        self.assertLessEqual(wait, 2 * spacing + 0.3)
        self.assertGreater(wait, 1.5 * spacing + 0.3)

    def test_the_lowest_limit_of_the_vendors_accounts_applies(self):
        self.account.coupang_rate_limit = 4.0
        other = self._create_account(name="Same vendor, other market", coupang_market="KR", coupang_rate_limit=8.0)
        self.assertEqual(other._coupang_rate_limiter().spacing, SPACING_MARGIN / 4)
        self.assertEqual(other._coupang_rate_limiter().vendor_key, self.account.coupang_vendor_id)
        self.account.active = False
        self.assertEqual(other._coupang_rate_limiter().spacing, SPACING_MARGIN / 8)

    def test_the_account_client_takes_the_vendors_slots(self):
        self.vendor_key = self.account.coupang_vendor_id
        with self.account._coupang_client() as client:
            client.check_connection()
            client.check_connection()
        # Two slots taken in a row: the next one lies ahead, though the calls took only milliseconds.
        self.assertGreater(self.limiter().take_slot(), 0.0)
