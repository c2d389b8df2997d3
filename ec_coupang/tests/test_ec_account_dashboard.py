from datetime import timedelta

from odoo import Command, fields
from odoo.addons.ec_coupang.tools.dates import day_start_utc
from odoo.tests import tagged

from .common import EcCoupangCase

TAIPEI = "Asia/Taipei"
COUNTS = (
    "order_today_count",
    "order_import_count",
    "push_pending_count",
    "stop_request_count",
    "return_to_receive_count",
)


@tagged("post_install", "-at_install")
class TestEcAccountDashboard(EcCoupangCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Kaohsiung Branch"})
        cls.product = cls.env["product.product"].create({"name": "烏龍茶 Oolong", "type": "consu"})
        cls.buyer = cls.env["res.partner"].create({"name": "王*明"})
        cls.clerk = cls.env["res.users"].create(
            {
                "name": "Warehouse clerk",
                "login": "dashboard_clerk",
                "tz": TAIPEI,
                "company_id": cls.company_a.id,
                "company_ids": [Command.set([cls.company_a.id, cls.company_b.id])],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("sales_team.group_sale_salesman_all_leads").id,
                            cls.env.ref("stock.group_stock_user").id,
                        ]
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        vendor = self.add_store()
        team_b = self.env["crm.team"].create({"name": "Kaohsiung Sales", "company_id": self.company_b.id})
        self.account_b = self._create_account(
            vendor, name="Coupang TW Kaohsiung", company_id=self.company_b.id, team_id=team_b.id
        )
        self.today_start = day_start_utc(fields.Date.context_today(self.account.with_user(self.clerk)), TAIPEI)
        self.box_id = 0

    # === RECORDS MADE FOR EACH COUNT === #

    def order(self, account, date_order=None, company=None, confirm=False):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.buyer.id,
                "company_id": (company or account.company_id).id,
                "ec_account_id": account.id,
                "date_order": date_order or fields.Datetime.now(),
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        if confirm:
            order.with_company(order.company_id).action_confirm()
        return order

    def delivery(self, account):
        """The delivery of an order placed days ago (confirming an order dates it now)."""
        order = self.order(account, confirm=True)
        order.date_order = self.today_start - timedelta(days=3)
        return order.picking_ids

    def order_import(self, account, state):
        self.box_id += 1
        return self.env["ec.order.import"].create(
            {"account_id": account.id, "shipment_box_id": str(self.box_id), "state": state}
        )

    def push(self, account, state):
        return self.env["ec.tracking.push"].create({"picking_id": self.delivery(account).id, "state": state})

    def request(self, account, kind, state, **values):
        self.box_id += 1
        return self.env["ec.coupang.request"].create(
            {
                "account_id": account.id,
                "ec_store_key": account._coupang_store_key(),
                "receipt_id": str(self.box_id),
                "kind": kind,
                "state": state,
                **values,
            }
        )

    def return_request(self, account, state="waiting", picking=None):
        return self.request(account, "return", state, return_picking_id=(picking or self.delivery(account)).id)

    def make_records(self, account):
        """Of each count, records that count and records that must not; returns those that count."""
        counted = {
            "order_today_count": self.order(account, self.today_start + timedelta(minutes=1))
            | self.order(account, fields.Datetime.now()),
            "order_import_count": self.order_import(account, "held") | self.order_import(account, "failed"),
            "push_pending_count": (self.push(account, "pending") | self.push(account, "error")).picking_id,
            "stop_request_count": self.request(account, "stop", "to_apply")
            | self.request(account, "stop", "waiting")
            | self.request(account, "stop", "failed")
            # Taiwan: stopped in Odoo, the answer to give in Wing.
            | self.request(account, "stop", "waiting", delivery_stopped=True)
            | self.request(account, "stop", "person", delivery_stopped=True)
            | self.request(account, "stop", "person"),
            "return_to_receive_count": (
                self.return_request(account, "waiting") | self.return_request(account, "failed")
            ).return_picking_id,
        }
        # Yesterday in Taipei, though today in UTC for 8 hours of the day.
        self.order(account, self.today_start - timedelta(minutes=1))
        self.order_import(account, "done")
        self.push(account, "done")
        self.request(account, "stop", "done")
        self.request(account, "stop", "answered")
        self.request(account, "cancel", "to_apply")
        self.return_request(account, "done")
        canceled = self.delivery(account)
        canceled.action_cancel()
        self.return_request(account, picking=canceled)
        return counted

    def counts(self, account):
        return {name: account[name] for name in COUNTS}

    # === TESTS === #

    def test_each_count_counts_the_accounts_records_for_it(self):
        counted_a = self.make_records(self.account)
        counted_b = self.make_records(self.account_b)
        self.order_import(self.account_b, "held")
        accounts = (
            (self.account | self.account_b)
            .with_user(self.clerk)
            .with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
        )
        self.assertEqual(self.counts(accounts[0]), {name: len(records) for name, records in counted_a.items()})
        expected_b = {name: len(records) for name, records in counted_b.items()}
        self.assertEqual(self.counts(accounts[1]), dict(expected_b, order_import_count=3))

    def test_the_cards_cost_the_same_queries_however_many_they_are(self):
        third = self._create_account(self.add_store("A00099999"), name="Coupang TW Outlet")
        accounts = self.account | self.account_b | third
        for account in accounts:
            self.make_records(account)
        accounts = accounts.with_user(self.clerk).with_context(
            allowed_company_ids=[self.company_a.id, self.company_b.id]
        )
        self.queries_to_count(accounts)  # warms the caches of the access rules
        self.assertEqual(self.queries_to_count(accounts[:1]), self.queries_to_count(accounts))

    def queries_to_count(self, accounts):
        self.env.flush_all()
        accounts.invalidate_recordset(list(COUNTS))
        before = self.cr.sql_log_count
        accounts.read(list(COUNTS))
        return self.cr.sql_log_count - before

    def test_counts_follow_the_users_companies(self):
        # An order of the account made in the other company: the clerk sees it only in that company.
        self.order(self.account, company=self.company_b)
        self.order(self.account)
        dashboard = self.env["ec.account"].with_user(self.clerk)
        in_a = dashboard.with_context(allowed_company_ids=[self.company_a.id]).search([])
        self.assertEqual(in_a, self.account)
        self.assertEqual(in_a.order_today_count, 1)
        in_both = dashboard.with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
        self.assertEqual(in_both.search([]), self.account | self.account_b)
        self.assertEqual(in_both.browse(self.account.id).order_today_count, 2)

    def test_each_count_opens_the_list_of_what_it_counts(self):
        counted = self.make_records(self.account)
        self.make_records(self.account_b)
        account = self.account.with_user(self.clerk)
        actions = {
            "order_today_count": account.action_view_orders_today(),
            "push_pending_count": account.action_view_push_pending(),
            "stop_request_count": account.action_view_stop_requests(),
            "return_to_receive_count": account.action_view_returns_to_receive(),
        }
        for name, action in actions.items():
            with self.subTest(count=name):
                found = self.env[action["res_model"]].with_user(self.clerk).search(action["domain"])
                self.assertEqual(found, counted[name])
                self.assertEqual(len(found), account[name])

    def test_locations_count_and_open_the_active_ones(self):
        locations = self.account.location_ids
        gone = locations[:2]
        gone.action_archive()
        self.account.invalidate_recordset(["location_count"])
        self.assertEqual(self.account.location_count, len(locations) - 2)
        action = self.account.action_view_locations()
        Location = self.env["ec.location"].with_context(**action["context"])
        self.assertEqual(Location.search(action["domain"]), locations - gone)
        # The list's filter of archived ones shows those, marked.
        self.assertEqual(Location.search([*action["domain"], ("active", "=", False)]), gone)
        arch = self.env["ec.location"].get_view(self.env.ref("ec_coupang.ec_location_view_list").id)["arch"]
        self.assertIn('decoration-muted="not active"', arch)
        self.assertIn('name="active"', arch)

    def test_next_fetch_reads_in_the_fetch_time_zone_without_seconds(self):
        self.env.company.partner_id.tz = TAIPEI
        self.configure_locations()
        self.account.write({"fetch_orders": True, "fetch_slot_ids": [Command.create({"time": 9.5})]})
        self.assertEqual(self.account.fetch_tz, TAIPEI)
        # A user in another time zone reads the schedule's time, 09:30 in Taipei (01:30 UTC).
        account = self.account.with_user(self.clerk).with_context(tz="Europe/Paris", lang="en_US")
        self.assertEqual(account.fetch_nextcall.strftime("%H:%M:%S"), "01:30:00")
        self.assertRegex(account.fetch_next_text, r"^\d{2}/\d{2}/\d{4} 09:30 \(Asia/Taipei\)$")
        for lang, expected in (
            ("zh_TW", r"^\d{4}年\d{2}月\d{2}日 09時30分 \(Asia/Taipei\)$"),
            ("ko_KR", r"^\d{4}년 \d{2}월 \d{2}일 09시 30분 \(Asia/Taipei\)$"),
        ):
            self.env["res.lang"]._activate_lang(lang)
            self.assertRegex(account.with_context(lang=lang).fetch_next_text, expected)

    def test_orders_to_review_open_the_accounts_held_and_failed_orders(self):
        counted = self.make_records(self.account)
        self.make_records(self.account_b)
        action = self.account.with_user(self.clerk).action_view_order_imports()
        self.assertEqual(action["context"], {"search_default_filter_to_review": 1})
        to_review = self.env.ref("ec_coupang.ec_order_import_view_search")
        self.assertIn("[('state', 'in', ('held', 'failed'))]", to_review.arch)
        found = self.env["ec.order.import"].search([*action["domain"], ("state", "in", ("held", "failed"))])
        self.assertEqual(found, counted["order_import_count"])

    def test_the_app_opens_on_the_dashboard(self):
        root = self.env.ref("ec_coupang.ec_integrations_menu_root")
        self.assertFalse(root.parent_id)
        first = root.child_id.sorted("sequence")[:1]
        self.assertEqual(first.action, self.env.ref("ec_coupang.ec_account_action_dashboard"))
        self.assertEqual(first.action.view_id, self.env.ref("ec_coupang.ec_account_view_kanban_dashboard"))
        # The Sales and Inventory configuration entries stay.
        sales_entry = self.env.ref("ec_coupang.ec_integrations_menu_sale")
        self.assertEqual(sales_entry.parent_id, self.env.ref("sale.menu_sale_config"))
        self.assertIn(root, self.env["ir.ui.menu"].with_user(self.ec_user).search([("parent_id", "=", False)]))
