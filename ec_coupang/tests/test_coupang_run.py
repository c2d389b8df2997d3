"""The commit policy of a run of work with Coupang, decided once where the run is made."""

from unittest.mock import patch

from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun
from odoo.modules import module
from odoo.tests import tagged

from .common import EcCoupangCase


@tagged("post_install", "-at_install")
class TestCoupangRun(EcCoupangCase):
    def run_order_step(self, run):
        """An order's step of the run, committed when the run commits, then its watermark."""
        with run.savepoint():
            run.account.name = "Renamed in the step"
        run.commit()
        run.save_watermark(run.account.create_date, "last_fetch_watermark")

    def test_the_cron_run_of_a_test_never_commits(self):
        # The test's cursor refuses to commit: a run that committed here would fail the test.
        run = CoupangRun.for_cron(self.account)
        self.assertFalse(run.commits)
        self.run_order_step(run)
        with run.worker() as worker:
            self.assertIs(worker.env.cr, self.env.cr, "no cursor of its own")
        self.assertEqual(self.account.name, "Renamed in the step")
        self.assertEqual(self.account.last_fetch_watermark, self.account.create_date)

    def test_a_job_or_a_users_run_never_commits_even_outside_a_test(self):
        with patch.object(module, "current_test", None):
            runs = [CoupangRun.for_job(self.account), CoupangRun.for_button(self.account)]
        for run in runs:
            self.assertFalse(run.commits)
            self.run_order_step(run)

    def test_a_users_answers_are_committed_at_once_outside_a_test_only(self):
        run = CoupangRun.for_answers(self.account)
        self.assertFalse(run.commits)
        with CoupangRun.answering(self.account) as accounts:
            self.assertIs(accounts.env.cr, self.env.cr, "inside a test, the test's transaction")
        with patch.object(module, "current_test", None):
            run = CoupangRun.for_answers(self.account)
        self.assertTrue(run.commits)

    def test_the_cron_run_commits_each_step_outside_a_test(self):
        with patch.object(module, "current_test", None):
            run = CoupangRun.for_cron(self.account)
        self.assertTrue(run.commits)
        with patch.object(self.env.cr, "commit") as commit:
            with run.savepoint():
                run.account.name = "Renamed in the step"
            self.assertEqual(commit.call_count, 1, "the order's step is committed on its own")
            run.commit()
            self.assertEqual(commit.call_count, 2)

    def test_the_run_works_with_every_right_in_the_accounts_company(self):
        company = self.env["res.company"].create({"name": "Second Warehouse Co."})
        self.account.company_id = company
        run = CoupangRun.for_button(self.account.with_user(self.ec_user))
        self.assertTrue(run.env.su)
        self.assertEqual(run.env.company, company)
