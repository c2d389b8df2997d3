from odoo.tests import tagged
from odoo.tools import html2plaintext

from .push_common import TEA, PushCase
from .test_stored_texts import ReadersMixin, translation

PUSHED = "Coupang has the tracking number %(number)s (delivery company %(code)s)."
CANCELED_BEFORE = "Coupang canceled this order before shipment; its delivery is canceled."
CANCELED_AFTER = (
    "Coupang canceled this order after it was shipped. Arrange the return with the buyer "
    "through Coupang, then create the return here."
)
TIMES_CHANGED = "Fetch times changed: %(before)s → %(after)s"


@tagged("post_install", "-at_install")
class TestChatterInTheCompanysLanguage(ReadersMixin, PushCase):
    """Odoo keeps a chatter line as it was written: the addon writes it in the language of the
    company's partner (the warehouse's), whatever the language of the user who acts."""

    def setUp(self):
        super().setUp()
        self.env.company.partner_id.lang = "zh_TW"
        self.korean = self.env(context=dict(self.env.context, lang="ko_KR"))  # the acting user reads Korean
        for msgid in (PUSHED, CANCELED_BEFORE, CANCELED_AFTER, TIMES_CHANGED, "none"):
            self.assertTrue(translation("zh_TW", msgid), msgid)

    def lines(self, record):
        return [html2plaintext(body) for body in record.message_ids.mapped("body")]

    def test_a_pushed_tracking_number_is_noted_in_the_company_s_language(self):
        picking = self.ship(self.create_coupang_order([(TEA, 1)]).picking_ids, "TW300000001")
        self.korean["ec.tracking.push"]._cron_push_tracking()
        self.assertEqual(picking.ec_push_state, "done")
        code = picking.carrier_id.ec_delivery_company_id.code
        expected = translation("zh_TW", PUSHED) % {"number": "TW300000001", "code": code}
        self.assertIn(expected, self.lines(picking))
        self.assertNotIn(PUSHED % {"number": "TW300000001", "code": code}, self.lines(picking))

    def test_a_cancellation_by_coupang_is_noted_in_the_company_s_language_and_asked_in_the_user_s(self):
        kept = self.create_coupang_order([(TEA, 1)])
        kept.with_env(self.korean)._ec_cancel_from_coupang()
        self.assertEqual(kept.state, "cancel")
        self.assertIn(translation("zh_TW", CANCELED_BEFORE), self.lines(kept))

        responsible = self.ec_user
        responsible.lang = "ko_KR"
        self.account.user_id = responsible
        shipped = self.create_coupang_order([(TEA, 1)])
        self.ship(shipped.picking_ids, "TW300000002")
        shipped.with_env(self.korean)._ec_cancel_from_coupang()
        self.assertIn(translation("zh_TW", CANCELED_AFTER), self.lines(shipped))
        (todo,) = shipped.activity_ids
        self.assertEqual(todo.user_id, responsible)
        self.assertIn(translation("ko_KR", CANCELED_AFTER), html2plaintext(todo.note), "the to-do: its user's language")

    def test_a_change_of_the_fetch_times_is_noted_in_the_company_s_language(self):
        self.account.with_env(self.korean).write({"fetch_slot_ids": [(0, 0, {"time": 9.5})]})
        expected = translation("zh_TW", TIMES_CHANGED) % {"before": translation("zh_TW", "none"), "after": "09:30"}
        self.assertIn(expected, self.lines(self.account))
