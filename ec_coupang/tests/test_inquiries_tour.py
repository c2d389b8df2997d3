from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.tests import HttpCase, tagged

from .common import EcCoupangTestMixin
from .push_common import TEA, PushCase


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestInquiriesTour(EcCoupangTestMixin, HttpCase):
    def test_answer_an_inquiry_from_the_menu(self):
        """The user opens Inquiries from the menu, opens the buyer's question and answers it, once."""
        products, _company, _carrier = PushCase.create_catalogue(self.env)
        self.account.coupang_wing_user_id = self.sandbox.demo_vendor.wing_user_id
        order = PushCase.create_coupang_order(self, [(TEA, 1)], products=products)
        question = self.sandbox.ask_about(int(order.coupang_shipment_box_id), "When do you ship my tea?")
        run = CoupangRun.for_button(self.account)
        with run.connected() as connected:
            connected.env["ec.coupang.inquiry"]._list_account(connected)
        self.start_tour("/odoo/action-ec_coupang.ec_account_action_dashboard", "ec_coupang_inquiry_tour", login="admin")
        inquiry = self.env["ec.coupang.inquiry"].search([("inquiry_id", "=", str(question.inquiry_id))])
        self.assertRecordValues(inquiry, [{"state": "answered", "answer": "Tomorrow morning."}])
        self.assertEqual(self.sandbox.inquiries.answers[question.inquiry_id, "answer"], 1)
        self.assertEqual(question.replies[-1].content, "Tomorrow morning.")
