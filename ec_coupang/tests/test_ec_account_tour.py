"""The user's guide's scenarios as browser tours, each in English, Traditional Chinese and Korean:
the guide's labels read in the user's language, and each action's result stays on the record once
its notification is gone."""

from odoo.tests import HttpCase, tagged

from .fetch_common import EcFetchMixin
from .tour_common import TourInEachLanguage, in_each_language

ACCOUNT_NAME = "Taipei Tea House on Coupang"
CHANNEL = "Coupang 台灣 Channel"
NEW_CENTER = "7-11 桃園新退貨中心"
NEW_OUTBOUND_PLACE = "桃園新倉 出貨地"
# Three boxes held at the fetch, each for an item whose seller SKU (OLD-<sku>) is unknown.
HELD_SKUS = ("CP-TEA-001", "CP-TEA-002", "CP-TEA-003")


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestEcAccountTour(EcFetchMixin, TourInEachLanguage, HttpCase):
    def setUp(self):
        super().setUp()
        # New accounts made in the browser point at this test's sandbox.
        self.env["ir.default"].set("ec.account", "coupang_base_url", self.sandbox.base_url)

    def guide_labels(self):
        """The user's guide's labels on the account form, in the tour's language."""
        return {
            # Wing itself names them so in Korean.
            "coupang_access_key": self.term("Access Key"),
            "coupang_secret_key": self.term("Secret Key"),
            **self.terms(
                merchant_id="Merchant",
                platform="E-commerce Platform",
                name="Display Name",
                team_id="Channel Name",
                coupang_vendor_id="Vendor ID",
                return_center_seven_eleven_id="Return Center Code (7-11)",
                return_center_familymart_id="Return Center Code (FamilyMart)",
                outbound_place_home_id="Outbound Place Code (Home Delivery - Kerry TJ / HCT)",
                fetch_orders="Fetch Orders",
                fetch_slot_ids="Fetch Schedule",
            ),
        }

    def form_texts(self):
        return {
            "labels": self.guide_labels(),
            **self.terms(
                locations_group="Return / Outbound Center Settings",
                connection_successful="Connection Successful",
                settings_locked="Test the connection to unlock the settings.",
            ),
        }

    @in_each_language
    def test_scenario_1_connect_fetch_and_review(self):
        """Guide, scenario 1: a new account from the EC Integrations dashboard, tested, set up and
        fetching; its orders listed, a held order fixed and the held ones retried together."""
        self.account.unlink()
        self.clear_sandbox_orders()
        team = self.env["crm.team"].create({"name": CHANNEL})
        imported = [
            self.sandbox.add_order(delivery="seven_eleven", items=[("CP-TEA-001", 1)]),
            self.sandbox.add_order(delivery="home", items=[("CP-TEA-002", 2)]),
        ]
        held = {}
        for sku in HELD_SKUS:
            box = self.sandbox.add_order(delivery="home", items=[(sku, 1)])
            box.lines[0].external_vendor_sku_code = f"OLD-{sku}"
            held[sku] = box

        self.start_tour_in_language(
            "/odoo/action-ec_coupang.ec_account_action_dashboard",
            "ec_coupang_account_tour",
            {
                **self.form_texts(),
                "channel": CHANNEL,
                "platform": self.selection_label("ec.account", "platform", "coupang"),
                "account": ACCOUNT_NAME,
                "last_fetch_requested": self.selection_label("ec.account", "last_fetch_state", "queued"),
            },
        )

        account = self.env["ec.account"].search([("name", "=", ACCOUNT_NAME)])
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.merchant_id, self.merchant)
        self.assertEqual(account.team_id, team)
        self.assertTrue(account.fetch_orders)
        self.assertEqual(account.fetch_slot_ids.mapped("time"), [9.5])
        self.assertEqual(account.return_center_seven_eleven_id.name, "7-ELEVEN 退貨中心")
        self.assertEqual(account.return_center_familymart_id.name, "全家 退貨中心")
        self.assertEqual(account.outbound_place_home_id.name, "台北倉 出貨地")
        self.assertEqual(account._get_coupang_secret_key(), self.sandbox.demo_vendor.secret_key)
        self.assertEqual(account.last_fetch_state, "queued", "Fetch Now only asked for the run")
        self.assertFalse(self.sale_order(imported[0], account))

        # The run Fetch Now asked for, as the scheduler's worker performs it.
        self.env.ref("ec_coupang.ir_cron_ec_fetch_requested").method_direct_trigger()
        account.invalidate_recordset()
        self.assertEqual(account.last_fetch_state, "partial")
        self.assertEqual(account.sale_order_count, 2)
        self.assertEqual(account.order_import_count, 3)
        sale_orders = [self.sale_order(box, account) for box in imported]
        account.invalidate_recordset(["last_fetch_summary"])  # computed in the tour user's language

        self.start_tour_in_language(
            "/odoo/action-ec_coupang.ec_account_action_dashboard",
            "ec_coupang_fetch_review_tour",
            {
                "account": ACCOUNT_NAME,
                "last_fetch_state": self.selection_label("ec.account", "last_fetch_state", "partial"),
                "last_fetch_summary": account.with_env(self.tour_env).last_fetch_summary,
                "coupang_order_ids": [order.coupang_order_id for order in sale_orders],
                "fixed_sku": "OLD-CP-TEA-001",
                "still_unknown_skus": ["OLD-CP-TEA-002", "OLD-CP-TEA-003"],
                "held_count": self.term("%(state)s: %(count)s")
                % {"state": self.selection_label("ec.order.import", "state", "held"), "count": 2},
                "imported_count": self.term("%(state)s: %(count)s")
                % {"state": self.selection_label("ec.order.import", "state", "done"), "count": 1},
            },
        )

        reviews = {
            sku: self.env["ec.order.import"].search([("shipment_box_id", "=", str(box.shipment_box_id))])
            for sku, box in held.items()
        }
        self.assertEqual(reviews["CP-TEA-001"].state, "done")
        self.assertEqual(reviews["CP-TEA-001"].sale_order_id, self.sale_order(held["CP-TEA-001"], account))
        self.assertEqual(reviews["CP-TEA-002"].state, "held")
        self.assertEqual(reviews["CP-TEA-003"].state, "held")

    @in_each_language
    def test_scenario_2_reload_locations_and_reselect(self):
        """Guide, scenario 2: the warehouse moved; Coupang's return center and outbound place
        changed, the account loads them again and the new ones are chosen."""
        self.account.name = ACCOUNT_NAME
        old_center = self.account.return_center_seven_eleven_id
        old_place = self.account.outbound_place_home_id
        self.sandbox.remove_return_center(old_center.code)
        self.sandbox.remove_outbound_place(old_place.code)
        new_center_code = self.sandbox.add_return_center(NEW_CENTER)
        new_place_code = self.sandbox.add_outbound_place(NEW_OUTBOUND_PLACE)

        self.start_tour_in_language(
            "/odoo/action-ec_coupang.ec_account_action_dashboard",
            "ec_coupang_reload_locations_tour",
            {
                **self.form_texts(),
                "account": ACCOUNT_NAME,
                "old_center": old_center.display_name,
                "old_place": old_place.display_name,
                "new_center": NEW_CENTER,
                "new_place": NEW_OUTBOUND_PLACE,
            },
        )

        self.assertEqual(self.account.return_center_seven_eleven_id.code, new_center_code)
        self.assertEqual(self.account.outbound_place_home_id.code, new_place_code)
        self.assertFalse(old_center.active, "the center Coupang no longer lists is archived")
        self.assertFalse(old_place.active)
        self.assertFalse(self.account.location_warning)

    def test_scenario_3_load_locations_before_choosing_any(self):
        self.account.write(
            {
                "name": ACCOUNT_NAME,
                "return_center_seven_eleven_id": False,
                "return_center_familymart_id": False,
                "outbound_place_home_id": False,
            }
        )
        new_code = self.sandbox.add_return_center(NEW_CENTER)

        self.start_tour(
            "/odoo/action-ec_coupang.ec_account_action", "ec_coupang_load_locations_unconfigured_tour", login="admin"
        )

        self.assertEqual(self.account.return_center_seven_eleven_id.code, new_code)
        self.assertFalse(self.account.fetch_orders)
