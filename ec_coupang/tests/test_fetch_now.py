"""Fetch Now: the user's request only asks for the run; the Fetch Now cron performs it."""

from .fetch_common import EcFetchCase


class TestFetchNow(EcFetchCase):
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
        self.assertIn("Last Fetch", action["params"]["message"])
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
