from odoo.tests import HttpCase, tagged

from .common import EcCoupangTestMixin
from .push_common import PushCase
from .requests_common import TWO_ITEMS
from .tour_common import TourInEachLanguage, in_each_language

WARNING = (
    "A seller's cancel counts against the store's score on Coupang, and the buyer is told at once.\n"
    "                    Coupang cancels an order not prepared yet (Paid) only whole, and never units a buyer's\n"
    "                    request already holds."
)


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestSellerCancelTour(TourInEachLanguage, EcCoupangTestMixin, HttpCase):
    @in_each_language
    def test_cancel_on_coupang_from_the_sale_order(self):
        """The user's Cancel on Coupang of a paid order: the warning, Coupang's reason, the result."""
        products, _company, _carrier = PushCase.create_catalogue(self.env)
        self.account.coupang_wing_user_id = self.sandbox.demo_vendor.wing_user_id
        order = PushCase.create_coupang_order(self, TWO_ITEMS, products=products, status="ACCEPT")
        texts = self.terms(button="Cancel on Coupang", done="Canceled on Coupang.")
        warning = " ".join(self.term(WARNING).split())
        texts["warning"] = warning[: len(warning) // 3]
        texts["reason"] = self.selection_label("ec.coupang.cancel.wizard", "cancel_reason", "CCPRER")
        self.start_tour_in_language(
            f"/odoo/action-sale.action_orders/{order.id}", "ec_coupang_seller_cancel_tour", texts
        )
        self.assertEqual(order.state, "cancel")
        self.assertRecordValues(order.ec_cancel_ids, [{"state": "done", "cancel_reason": "CCPRER"}])
        self.assertEqual(len(self.sandbox.requests_to("seller_cancel")), 1)
