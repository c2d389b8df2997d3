"""Fetch Now: the user's request only asks for the run; the Fetch Now cron performs it. The form and
the dashboard's card say it is requested or running until it ends; then the user who pressed it is
told, and the account's Last Result keeps the run's counts."""

import json

from .fetch_common import EcFetchCase
from .test_stored_texts import CATALOGUES, ReadersMixin, translation


def simple_notifications(env, partner):
    """The ``simple_notification`` bus messages this transaction sends to ``partner``."""
    sent = []
    for values in env.cr.precommit.data.get("bus.bus.values", []):
        channel, payload = json.loads(values["channel"]), json.loads(values["message"])
        if payload["type"] == "simple_notification" and channel[1:] == ["res.partner", partner.id]:
            sent.append(payload["payload"])
    return sent


class TestFetchNow(ReadersMixin, EcFetchCase):
    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()
        self.cron = self.env.ref("ec_coupang.ir_cron_ec_fetch_requested")
        self.manager = self.env["res.users"].create(
            {
                "name": "EC manager",
                "login": "ec_fetch_now_manager",
                "groups_id": [(6, 0, [self.env.ref("ec_coupang.group_ec_manager").id])],
            }
        )

    def triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def coupang_calls(self):
        return len(self.sandbox.requests)

    def test_fetch_now_asks_the_cron_and_calls_no_coupang(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        calls_before = self.coupang_calls()
        action = self.account.with_user(self.manager).action_fetch_now()
        self.assertEqual(self.coupang_calls(), calls_before, "the user's request calls Coupang nowhere")
        self.assertEqual(action["params"]["title"], "Fetch Started")
        self.assertIn("in the background", action["params"]["message"])
        self.assertEqual(len(self.triggers()), 1)
        self.assertFalse(self.sale_order(order))
        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_fetch_state, "queued")
        self.assertIn("Requested by EC manager", self.account.last_fetch_summary)

        self.cron.method_direct_trigger()

        self.assertTrue(self.sale_order(order))
        self.account.invalidate_recordset()
        log = self.account.last_fetch_log_id
        self.assertEqual((log.state, log.trigger, log.user_id), ("done", "manual", self.manager))
        self.assertEqual(log.count_created, 1)
        self.assertIn("1 created", self.account.last_fetch_summary)
        self.assertEqual(self.account.fetch_log_count, 1, "the request's log is the run's log")

    def test_a_second_press_while_requested_or_running_asks_for_nothing_more(self):
        self.account.action_fetch_now()
        action = self.account.action_fetch_now()
        self.assertEqual(action["params"]["title"], "Fetch Already Started")
        self.assertEqual(len(self.triggers()), 1)
        log = self.account.last_fetch_log_id
        log.state = "running"  # as while the cron's worker imports
        self.account.action_fetch_now()
        self.assertEqual(len(self.triggers()), 1)
        self.assertEqual(self.env["ec.fetch.log"].search_count([("account_id", "=", self.account.id)]), 1)

    def test_a_new_press_after_the_run_asks_again(self):
        self.account.action_fetch_now()
        self.cron.method_direct_trigger()
        self.assertEqual(self.account.action_fetch_now()["params"]["title"], "Fetch Started")
        self.assertEqual(len(self.triggers()), 2)

    def test_the_request_of_an_account_archived_meanwhile_ends_without_a_fetch(self):
        self.account.action_fetch_now()
        self.account.active = False
        calls_before = self.coupang_calls()
        self.cron.method_direct_trigger()
        self.assertEqual(self.coupang_calls(), calls_before)
        log = self.env["ec.fetch.log"].search([("account_id", "=", self.account.id)])
        self.assertEqual(log.state, "failed")
        self.assertIn("archived", log.error)

    def test_the_cron_without_requests_fetches_nothing(self):
        calls_before = self.coupang_calls()
        self.cron.method_direct_trigger()
        self.assertEqual(self.coupang_calls(), calls_before)
        self.assertFalse(self.env["ec.fetch.log"].search([("account_id", "=", self.account.id)]))

    def test_running_until_the_run_ends_then_the_presser_is_told(self):
        self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        self.account.with_user(self.manager).action_fetch_now()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_fetch_state, "queued")
        self.assertEqual((self.account.last_result_action, self.account.last_result_level), ("fetch_now", "success"))
        self.assertIn("in the background", self.account.last_result)
        self.assertFalse(self.account.last_fetch_counts, "no counts while it is requested")
        self.account.last_fetch_log_id.state = "running"  # as while the cron's worker imports
        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_fetch_state, "running")
        self.account.last_fetch_log_id.state = "queued"
        self.assertFalse(simple_notifications(self.env, self.manager.partner_id))

        self.cron.method_direct_trigger()

        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_fetch_state, "done")
        self.assertEqual(self.account.last_fetch_counts, "1 read, 1 created, 0 held")
        self.assertEqual(self.account.last_result_level, "success")
        self.assertTrue(self.account.last_result.startswith("Fetch ended: 1 read, 1 created"), self.account.last_result)
        [notification] = simple_notifications(self.env, self.manager.partner_id)
        self.assertEqual(notification["type"], "success")
        self.assertIn("1 created", notification["message"])
        self.assertIn(self.account.name, notification["title"])

    def test_a_fetch_that_held_every_order_warns_in_the_presser_s_language(self):
        order = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        order.lines[0].external_vendor_sku_code = "TEA-OLD-SKU"
        self.manager.lang = "ko_KR"
        self.account.with_user(self.manager).action_fetch_now()
        self.cron.method_direct_trigger()
        self.account.invalidate_recordset()
        self.assertEqual(self.account.last_fetch_state, "partial")
        self.assertEqual(self.account.last_result_level, "warning")
        self.assertIn("1 held", self.account.last_result)
        [notification] = simple_notifications(self.env, self.manager.partner_id)
        self.assertEqual(notification["type"], "warning")
        ended = translation("ko_KR", "Fetch ended: %s")
        self.assertTrue(ended)
        self.assertTrue(notification["message"].startswith(ended.split("%s")[0].strip()), notification["message"])
        for lang in CATALOGUES:
            with self.subTest(lang=lang):
                read = self.as_reader(self.account, lang)
                self.assertTrue(read.last_result.startswith(translation(lang, "Fetch ended: %s").split("%s")[0]))
                self.assertNotIn("read,", read.last_fetch_counts)

    def test_a_request_whose_account_was_archived_ends_in_a_danger(self):
        self.account.with_user(self.manager).action_fetch_now()
        self.account.active = False
        self.cron.method_direct_trigger()
        self.assertEqual(self.account.last_result_level, "danger")
        self.assertIn("archived", self.account.last_result)
        [notification] = simple_notifications(self.env, self.manager.partner_id)
        self.assertEqual(notification["type"], "danger")
