from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .fetch_common import EcFetchCase


@tagged("post_install", "-at_install")
class TestFetchSchedule(EcFetchCase):
    def setUp(self):
        super().setUp()
        self.Schedule = self.env["ec.fetch.schedule"]
        # Crons of other fetching accounts in the database would only blur the counts.
        self.Schedule.search([]).slot_ids.account_id.write({"fetch_orders": False})

    def enable_fetching(self, account, *times):
        account.write({"fetch_orders": True, "fetch_slot_ids": [Command.create({"time": time}) for time in times]})

    def cron_of(self, account, time):
        return account.fetch_slot_ids.filtered(lambda slot: slot.time == time).schedule_id.cron_id

    def second_account(self, company=None):
        company = company or self.env.company
        team = self.account.team_id
        if company != self.env.company:
            team = self.env["crm.team"].create({"name": "Coupang", "company_id": company.id})
        account = self._create_account(self.add_store(), name="Coupang TW 2", company_id=company.id, team_id=team.id)
        account.action_test_connection()
        self.configure_locations(account)
        return account

    def assert_next_call_at(self, cron, hour, minute=0):
        now = fields.Datetime.now()
        self.assertEqual((cron.nextcall.hour, cron.nextcall.minute, cron.nextcall.second), (hour, minute, 0))
        self.assertTrue(now < cron.nextcall <= now + timedelta(days=1))

    def test_slot_runs_a_daily_cron_at_its_utc_time(self):
        self.enable_fetching(self.account, 9.0)
        cron = self.cron_of(self.account, 9.0)
        self.assertEqual(cron.interval_type, "days")
        self.assertEqual(cron.interval_number, 1)
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        self.assertEqual(cron.model_id.model, "ec.fetch.schedule")
        self.assertTrue(cron.active)
        # 09:00 in Asia/Taipei (UTC+8) is 01:00 UTC.
        self.assert_next_call_at(cron, 1)
        self.assertEqual(self.account.fetch_slot_ids.schedule_id.utc_minute, 60)
        self.assertEqual(self.account.fetch_nextcall, cron.nextcall)
        self.assertIn("09:00", self.account.fetch_status)
        self.assertIn("Asia/Taipei", self.account.fetch_status)

    def test_one_cron_per_distinct_time(self):
        self.enable_fetching(self.account, 9.0, 13.5, 20.0)
        crons = self.account.fetch_slot_ids.schedule_id.cron_id
        self.assertEqual(len(crons), 3)
        self.assert_next_call_at(self.cron_of(self.account, 13.5), 5, 30)
        self.assert_next_call_at(self.cron_of(self.account, 20.0), 12)

    def test_accounts_with_the_same_slot_share_the_cron(self):
        self.enable_fetching(self.account, 9.0)
        other = self.second_account()
        self.enable_fetching(other, 9.0, 15.0)
        self.assertEqual(self.cron_of(other, 9.0), self.cron_of(self.account, 9.0))
        self.assertEqual(len(self.Schedule.search([])), 2)
        self.assertEqual(self.cron_of(self.account, 9.0).ir_actions_server_id.code.count("_cron_fetch_orders"), 1)

    def test_same_local_time_in_another_time_zone_runs_at_its_own_utc_time(self):
        self.enable_fetching(self.account, 9.0)
        tokyo = self.env["res.company"].create({"name": "Tokyo Tea"})
        tokyo.partner_id.tz = "Asia/Tokyo"
        other = self.second_account(company=tokyo)
        self.enable_fetching(other, 9.0, 10.0)
        # 09:00 in Tokyo (UTC+9) is 00:00 UTC; 10:00 in Tokyo is Taipei's 09:00, 01:00 UTC.
        self.assertNotEqual(self.cron_of(other, 9.0), self.cron_of(self.account, 9.0))
        self.assert_next_call_at(self.cron_of(other, 9.0), 0)
        self.assertEqual(self.cron_of(other, 10.0), self.cron_of(self.account, 9.0))

    def test_editing_a_slot_moves_its_cron(self):
        self.enable_fetching(self.account, 9.0)
        cron = self.cron_of(self.account, 9.0)
        self.account.fetch_slot_ids.time = 10.25
        self.assertEqual(self.cron_of(self.account, 10.25), cron, "the cron no account needs any more is moved")
        self.assert_next_call_at(cron, 2, 15)
        self.assertIn("02:15 UTC", cron.name)

    def test_a_cron_moved_by_hand_is_put_back_on_its_time(self):
        self.enable_fetching(self.account, 9.0)
        cron = self.cron_of(self.account, 9.0)
        cron.nextcall = cron.nextcall - timedelta(hours=3, minutes=7)
        self.enable_fetching(self.account, 12.0)
        self.assert_next_call_at(cron, 1)

    def test_a_shared_cron_stays_when_one_account_leaves_it(self):
        self.enable_fetching(self.account, 9.0)
        other = self.second_account()
        self.enable_fetching(other, 9.0)
        shared = self.cron_of(self.account, 9.0)
        other.fetch_slot_ids.time = 11.0
        self.assertEqual(self.cron_of(self.account, 9.0), shared)
        self.assert_next_call_at(shared, 1)
        self.assert_next_call_at(self.cron_of(other, 11.0), 3)

    def test_removing_the_last_slot_of_a_time_removes_its_cron(self):
        self.enable_fetching(self.account, 9.0, 14.0)
        cron = self.cron_of(self.account, 14.0)
        self.account.fetch_slot_ids.filtered(lambda slot: slot.time == 14.0).unlink()
        self.assertFalse(cron.exists())
        self.assertEqual(len(self.Schedule.search([])), 1)

    def test_fetching_stops_and_resumes_with_the_account(self):
        self.enable_fetching(self.account, 9.0)
        self.account.fetch_orders = False
        self.assertFalse(self.Schedule.search([]))
        self.assertIn("Fetch Orders switch is off", self.account.fetch_status)
        self.assertFalse(self.account.fetch_nextcall)
        self.account.fetch_orders = True
        self.assert_next_call_at(self.cron_of(self.account, 9.0), 1)
        self.account.action_archive()
        self.assertFalse(self.Schedule.search([]))
        self.assertIn("archived", self.account.fetch_status)
        self.account.action_unarchive()
        self.assertTrue(self.cron_of(self.account, 9.0))
        cron = self.cron_of(self.account, 9.0)
        self.account.unlink()
        self.assertFalse(cron.exists())

    def test_losing_the_connection_stops_fetching(self):
        self.enable_fetching(self.account, 9.0)
        self.account.coupang_access_key = "rotated-key"
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(self.Schedule.search([]))
        self.assertIn("not tested", self.account.fetch_status)
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "failed")
        self.assertIn("connection test failed", self.account.fetch_status)

    def test_company_time_zone_change_moves_the_cron(self):
        self.enable_fetching(self.account, 9.0)
        cron = self.cron_of(self.account, 9.0)
        self.env.company.partner_id.tz = "Asia/Seoul"
        self.assertEqual(self.cron_of(self.account, 9.0), cron)
        self.assert_next_call_at(cron, 0)

    def test_cron_fetches_the_accounts_of_its_time(self):
        self.enable_fetching(self.account, 9.0)
        late = self.second_account()
        self.enable_fetching(late, 18.0)
        cron = self.cron_of(self.account, 9.0)
        cron.method_direct_trigger()
        logs = self.env["ec.fetch.log"].search([("account_id", "in", (self.account | late).ids)])
        self.assertEqual(logs.account_id, self.account)
        self.assertEqual(logs.trigger, "schedule")
        self.assertEqual(logs.schedule_id, self.account.fetch_slot_ids.schedule_id)
        self.assertEqual(logs.state, "done", logs.summary)
        self.assertTrue(logs.count_created)
        self.assertEqual(self.account.last_fetch_log_id, logs)

    def test_daylight_saving_change_moves_the_slot_to_its_new_utc_time(self):
        self.env.company.partner_id.tz = "Europe/Brussels"
        self.enable_fetching(self.account, 9.0)
        schedule = self.account.fetch_slot_ids.schedule_id
        today_minute = schedule.utc_minute
        # As if the schedule had been made under the other offset of the year (summer or winter time).
        schedule.utc_minute = today_minute + 60
        schedule.cron_id.method_direct_trigger()
        self.assertEqual(self.account.fetch_slot_ids.schedule_id.utc_minute, today_minute)
        cron = self.account.fetch_slot_ids.schedule_id.cron_id
        self.assert_next_call_at(cron, *divmod(today_minute, 60))
        self.assertEqual(self.env["ec.fetch.log"].search([("account_id", "=", self.account.id)]).trigger, "schedule")
