import time
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

from coupang_sandbox.inquiries import render_product_inquiry
from odoo.addons.ec_coupang.coupang import get_market
from odoo.addons.ec_coupang.models.ec_coupang_inquiry import MAX_ANSWER_LENGTH, MAX_WINDOWS_PER_RUN
from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import create_users
from .push_common import TEA
from .requests_common import RequestCase


@tagged("post_install", "-at_install")
class TestInquiries(RequestCase):
    """Buyers' inquiries listed from the sandbox into Odoo, kept once, linked to their sale orders,
    answered and confirmed once, an answer lost read back before anything is sent again."""

    def setUp(self):
        super().setUp()
        wing_user = self.sandbox.demo_vendor.wing_user_id
        (self.account | self.kr_account).coupang_wing_user_id = wing_user
        self.Inquiry = self.env["ec.coupang.inquiry"]

    def list_inquiries(self, account=None):
        run = CoupangRun.for_button(account or self.account)
        with run.connected() as connected:
            return connected.env["ec.coupang.inquiry"]._list_account(connected)

    def inquiry_of(self, sandbox_inquiry, account=None):
        return self.Inquiry.search(
            [("account_id", "=", (account or self.account).id), ("inquiry_id", "=", str(sandbox_inquiry.inquiry_id))]
        )

    def answers(self, sandbox_inquiry, what="answer"):
        return self.sandbox.inquiries.answers[sandbox_inquiry.inquiry_id, what]

    def ask(self, order, text="何時出貨?"):
        return self.sandbox.ask_about(int(order.coupang_shipment_box_id), text)

    def listed_question(self, account=None, answer="明天出貨"):
        """A buyer's question on a new order of ``account``, listed, with ``answer`` written."""
        account = account or self.account
        question = self.ask(self.create_coupang_order([(TEA, 1)], account=account))
        self.list_inquiries(account)
        inquiry = self.inquiry_of(question, account)
        inquiry.answer = answer
        return question, inquiry

    def test_listed_twice_kept_once_and_linked_to_its_order(self):
        order = self.create_coupang_order([(TEA, 1)])
        question = self.ask(order)
        call = self.sandbox.call_center_inquiry(int(order.coupang_shipment_box_id), "請盡快出貨")
        self.list_inquiries()
        self.sandbox.clear_requests()
        self.list_inquiries()
        self.assertEqual(len(self.sandbox.requests_to("product_inquiries")), 1, "one window of 7 days")
        inquiries = self.Inquiry.search([("account_id", "=", self.account.id)])
        self.assertEqual(len(inquiries), 2)
        self.assertRecordValues(
            self.inquiry_of(question) | self.inquiry_of(call),
            [
                {"kind": "product", "state": "to_answer", "content": "何時出貨?", "product_id": False},
                {"kind": "call_center", "state": "to_answer", "content": "請盡快出貨", "product_id": False},
            ],
        )
        self.assertEqual(inquiries.sale_order_ids, order)
        self.assertEqual(order.ec_inquiry_count, 2)
        action = order.action_view_ec_inquiries()
        self.assertEqual(self.Inquiry.search(action["domain"]), inquiries)
        self.assertEqual(self.account.inquiry_to_answer_count, 2)
        self.assertTrue(self.account.inquiries_listed_to)

    def test_a_listing_is_bounded_in_windows_and_time(self):
        old = date.today() - timedelta(days=90)
        self.account.inquiries_listed_to = old
        self.list_inquiries()
        windows = self.sandbox.requests_to("product_inquiries")
        self.assertEqual(len(windows), MAX_WINDOWS_PER_RUN)
        self.assertEqual(windows[0].params["inquiryStartAt"], (old + timedelta(days=1)).isoformat())
        self.assertEqual(self.account.inquiries_listed_to, old + timedelta(days=7 * MAX_WINDOWS_PER_RUN))
        # Past its deadline, a run stops after the window it reads: the next one goes on from there.
        self.sandbox.clear_requests()
        run = CoupangRun.for_button(self.account)
        with run.connected() as connected:
            connected.env["ec.coupang.inquiry"]._list_account(connected, deadline=time.monotonic() - 1)
        self.assertEqual(len(self.sandbox.requests_to("product_inquiries")), 1)
        self.assertEqual(self.account.inquiries_listed_to, old + timedelta(days=7 * MAX_WINDOWS_PER_RUN + 7))
        # Caught up, a listing reads the last week again: an inquiry changes after the day it was asked on.
        today = datetime.now(UTC).astimezone(get_market("TW").timezone).date()
        self.account.inquiries_listed_to = today
        self.sandbox.clear_requests()
        self.list_inquiries()
        self.assertEqual(
            [request.params["inquiryStartAt"] for request in self.sandbox.requests_to("product_inquiries")],
            [(today - timedelta(days=6)).isoformat()],
        )

    def test_unreadable_row_is_kept_with_its_data_and_the_rest_imported(self):
        order = self.create_coupang_order([(TEA, 1)])
        good = self.ask(order, "好的問題")
        bad = self.ask(order, "壞的問題")

        def render(inquiry):
            row = render_product_inquiry(inquiry)
            if inquiry.inquiry_id == bad.inquiry_id:
                row["commentDtoList"] = [{"content": "no id"}]
            return row

        with patch("coupang_sandbox.api.render_product_inquiry", render):
            counts = self.list_inquiries()
        self.assertEqual(counts["unreadable"], 1)
        self.assertEqual(self.inquiry_of(good).state, "to_answer")
        kept = self.inquiry_of(bad)
        self.assertEqual(kept.state, "unreadable")
        self.assertIn("could not be read", kept.reason)
        self.assertIn("no id", kept.payload)

    def test_answer_is_sent_once(self):
        question, inquiry = self.listed_question(answer="明天出貨, 謝謝!")
        result = inquiry.action_send_answer()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.answers(question), 1)
        self.assertEqual(question.replies[-1].content, "明天出貨, 謝謝!")
        self.assertEqual(question.replies[-1].author, self.sandbox.demo_vendor.wing_user_id)
        self.assertRecordValues(inquiry, [{"state": "answered", "answer_in_doubt": False}])
        with self.assertRaises(UserError):
            inquiry.action_send_answer()
        self.list_inquiries()
        self.assertEqual(inquiry.state, "answered")
        self.assertEqual(self.answers(question), 1)

    def test_answer_too_long_or_empty_is_not_sent(self):
        _question, inquiry = self.listed_question(answer="x" * (MAX_ANSWER_LENGTH + 1))
        with self.assertRaisesRegex(UserError, "at most 1000"):
            inquiry.action_send_answer()
        inquiry.answer = "  "
        with self.assertRaises(UserError):
            inquiry.action_send_answer()
        self.assertFalse(self.sandbox.requests_to("answer_product_inquiry"))

    def test_answer_lost_in_transit_is_read_back_not_sent_twice(self):
        question, inquiry = self.listed_question(self.kr_account, answer="내일 발송합니다.")
        self.sandbox.inject("answer_product_inquiry", "truncated")
        result = inquiry.action_send_answer()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertRecordValues(inquiry, [{"state": "to_answer", "answer_in_doubt": True}])
        self.assertIn("read back", inquiry.reason)
        self.assertEqual(self.answers(question), 1, "Coupang took it; its answer was cut")
        inquiry.action_send_answer()
        self.assertRecordValues(inquiry, [{"state": "answered", "answer_in_doubt": False}])
        self.assertEqual(len(self.sandbox.requests_to("answer_product_inquiry")), 1, "read back, never sent again")
        self.assertEqual(self.answers(question), 1)

    def test_answer_not_taken_is_sent_again_after_its_read_back(self):
        question, inquiry = self.listed_question(answer="明天出貨")
        self.sandbox.inject("answer_product_inquiry", "reset")
        inquiry.action_send_answer()
        self.assertTrue(inquiry.answer_in_doubt)
        self.assertEqual(self.answers(question), 0)
        self.sandbox.clear_requests()
        inquiry.action_send_answer()
        self.assertTrue(self.sandbox.requests_to("product_inquiries"), "read back before it is sent again")
        self.assertEqual(inquiry.state, "answered")
        self.assertEqual(self.answers(question), 1)

    def test_answer_in_doubt_not_read_back_stays_in_doubt(self):
        question, inquiry = self.listed_question(answer="明天出貨")
        self.sandbox.inject("answer_product_inquiry", "truncated")
        inquiry.action_send_answer()
        self.assertTrue(inquiry.answer_in_doubt)
        self.sandbox.inject("product_inquiries", "status", status=400, message="list not available")
        result = inquiry.action_send_answer()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertRecordValues(inquiry, [{"state": "to_answer", "answer_in_doubt": True}])
        self.assertIn("list not available", inquiry.reason)
        inquiry.action_send_answer()
        self.assertRecordValues(inquiry, [{"state": "answered", "answer_in_doubt": False}])
        self.assertEqual(len(self.sandbox.requests_to("answer_product_inquiry")), 1, "read back, never sent again")
        self.assertEqual(self.answers(question), 1)

    def test_answer_in_doubt_settled_by_the_listing(self):
        question, inquiry = self.listed_question(answer="明天出貨")
        self.sandbox.inject("answer_product_inquiry", "truncated")
        inquiry.action_send_answer()
        self.assertTrue(inquiry.answer_in_doubt)
        self.list_inquiries()
        self.assertRecordValues(inquiry, [{"state": "answered", "answer_in_doubt": False}])
        self.assertEqual(self.answers(question), 1)

    def test_refusal_is_a_clear_message(self):
        question, inquiry = self.listed_question(answer="明天出貨")
        self.sandbox.inject("answer_product_inquiry", "status", status=400, message="content is not allowed")
        result = inquiry.action_send_answer()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("Coupang refused the answer", result["params"]["message"])
        self.assertIn("content is not allowed", result["params"]["message"])
        self.assertRecordValues(inquiry, [{"state": "to_answer", "answer_in_doubt": False}])
        self.assertEqual(self.answers(question), 0)

    def test_refused_as_answered_in_wing(self):
        order = self.create_coupang_order([(TEA, 1)])
        question = self.ask(order)
        self.list_inquiries()
        self.sandbox.inquiries.answer_product(question, "answered in Wing", "someone")
        inquiry = self.inquiry_of(question)
        inquiry.answer = "明天出貨"
        result = inquiry.action_send_answer()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(inquiry.state, "answered")
        self.assertIn("in Wing", inquiry.reason)
        self.assertIn("answered in Wing", inquiry.replies)

    def test_call_center_answer_once_under_the_agents_reply(self):
        order = self.create_coupang_order([(TEA, 1)], account=self.kr_account)
        call = self.sandbox.call_center_inquiry(int(order.coupang_shipment_box_id), "빨리 보내주세요")
        self.list_inquiries(self.kr_account)
        inquiry = self.inquiry_of(call, self.kr_account)
        self.assertEqual(inquiry.sale_order_ids, order)
        inquiry.answer = "오늘 발송합니다."
        inquiry.action_send_answer()
        self.assertEqual(inquiry.state, "answered")
        self.assertEqual(self.answers(call), 1)
        self.assertEqual(call.replies[-1].parent_id, call.replies[0].reply_id)

    def test_answer_in_doubt_of_an_inquiry_handed_over_meanwhile_is_not_sent(self):
        order = self.create_coupang_order([(TEA, 1)])
        call = self.sandbox.call_center_inquiry(int(order.coupang_shipment_box_id), "請盡快出貨")
        self.list_inquiries()
        inquiry = self.inquiry_of(call)
        inquiry.answer = "明天出貨"
        self.sandbox.inject("answer_call_center", "reset")
        inquiry.action_send_answer()
        self.assertTrue(inquiry.answer_in_doubt)
        with self.sandbox.inquiries.lock:  # Coupang's agent completes it and hands it over
            call.replies[0].transfer_status = "answered"
            call.inquiry_status = "complete"
        with self.assertRaisesText(UserError, "To Confirm"):
            inquiry.action_send_answer()
        self.assertEqual(self.answers(call), 0)
        inquiry.invalidate_recordset()
        self.assertTrue(inquiry.answer_in_doubt, "still in doubt: nothing was settled")

    def test_handover_is_confirmed_once(self):
        order = self.create_coupang_order([(TEA, 1)])
        call = self.sandbox.call_center_inquiry(int(order.coupang_shipment_box_id), "已退款", transfer=True)
        self.list_inquiries()
        inquiry = self.inquiry_of(call)
        self.assertEqual(inquiry.state, "to_confirm")
        self.assertEqual(self.account.inquiry_to_answer_count, 1)
        self.sandbox.inject("confirm_call_center", "truncated")
        inquiry.action_confirm_transfer()
        self.assertTrue(inquiry.answer_in_doubt)
        inquiry.action_confirm_transfer()
        self.assertRecordValues(inquiry, [{"state": "confirmed", "answer_in_doubt": False}])
        self.assertEqual(len(self.sandbox.requests_to("confirm_call_center")), 1)
        self.assertEqual(self.answers(call, "confirm"), 1)
        self.list_inquiries()
        self.assertEqual(inquiry.state, "confirmed")
        with self.assertRaises(UserError):
            inquiry.action_confirm_transfer()

    def test_rights(self):
        users = create_users(self.env)
        question, inquiry = self.listed_question(answer="明天出貨")
        decrypted = []
        account_class = type(self.env["ec.account"])
        read_key = account_class._get_coupang_secret_key
        self.patch(
            account_class, "_get_coupang_secret_key", lambda account: decrypted.append(account) or read_key(account)
        )
        cron = self.env.ref("ec_coupang.ir_cron_ec_list_inquiries")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        for name in ("ec_user", "inventory", "internal"):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                inquiry.with_user(users[name]).action_send_answer()
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.account.with_user(users[name]).action_load_inquiries()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.account.with_user(users["sales_own"]).action_load_inquiries()
        self.assertEqual(decrypted, [])
        self.assertFalse(self.sandbox.requests_to("answer_product_inquiry"))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            inquiry.with_user(users["other_company_manager"]).action_send_answer()
        # A salesperson answers; an EC manager loads, which only starts the scheduled listing.
        inquiry.with_user(users["sales_own"]).action_send_answer()
        self.assertEqual(self.answers(question), 1)
        self.account.with_user(users["ec_manager"]).action_load_inquiries()
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)

    def test_cron_lists_every_connected_account_and_one_failure_stops_no_other(self):
        tw_order = self.create_coupang_order([(TEA, 1)])
        kr_order = self.create_coupang_order([(TEA, 1)], account=self.kr_account)
        tw_question, kr_question = self.ask(tw_order), self.ask(kr_order)
        # The Korea account is listed first (by name): its list is refused, Taiwan's is read.
        self.sandbox.inject("product_inquiries", "status", status=400, message="refused")
        with mute_logger("odoo.addons.ec_coupang.models.ec_coupang_inquiry"):
            self.Inquiry._cron_list_inquiries()
        self.assertFalse(self.inquiry_of(kr_question, self.kr_account))
        self.assertTrue(self.inquiry_of(tw_question))
        self.Inquiry._cron_list_inquiries()
        self.assertTrue(self.inquiry_of(kr_question, self.kr_account))
        self.assertFalse(self.inquiry_of(kr_question, self.account), "each market's own")

    def test_closed_inquiries_forget_the_buyers_words(self):
        order = self.create_coupang_order([(TEA, 1)])
        question, waiting = self.ask(order, "舊問題"), self.ask(order, "等待中")
        self.list_inquiries()
        inquiry = self.inquiry_of(question)
        inquiry.answer = "好"
        inquiry.action_send_answer()
        self.env.flush_all()
        self.env.cr.execute("UPDATE ec_coupang_inquiry SET write_date = write_date - interval '100 days'")
        self.env.invalidate_all()
        self.env["ec.account"]._cron_forget_buyers_data()
        self.assertRecordValues(inquiry, [{"content": False, "answer": False, "payload": False, "state": "answered"}])
        self.assertEqual(self.inquiry_of(waiting).content, "等待中", "an open inquiry keeps its question")
