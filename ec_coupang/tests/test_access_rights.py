"""Who may do what: each kind of user against each sensitive field and each action that calls
Coupang or changes the configuration. A refused attempt sends nothing (the sandbox's request log and
the IP echo service count every call) and decrypts nothing."""

import json

from odoo.addons.ec_coupang.const import DETECTED_IP_PARAM
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MANAGERS, USERS, EcCoupangCase, IpEchoServer, create_users

BUYER = {"name": "王小明", "safeNumber": "0912-345-678", "addr1": "台北市信義區松高路1號"}

EC_USERS = {"sales_own", "sales_all", "inventory", "ec_user"}


def _expected(readers, action):
    return {user: "allowed" if user in readers else "refused" for user in USERS} | {"action": action}


EXPECTED = [
    _expected(MANAGERS | EC_USERS, "read the account, the reason, box and items of reviews and requests"),
    _expected(MANAGERS, "read Access Key"),
    _expected(MANAGERS, "read Secret Key (always empty)"),
    _expected(MANAGERS, "read order to review's payload"),
    _expected(MANAGERS, "read request's payload"),
    _expected(MANAGERS, "Test Connection"),
    _expected(MANAGERS, "Load Locations"),
    _expected(MANAGERS, "Load Products"),
    _expected(MANAGERS, "Fetch Now"),
    _expected(MANAGERS, "Detect outbound IP"),
    _expected(MANAGERS, "Retry order to review"),
    _expected(MANAGERS, "Retry request"),
    _expected(MANAGERS, "Approve return"),
]


@tagged("post_install", "-at_install")
class TestAccessRights(EcCoupangCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_users(cls.env)

    def setUp(self):
        super().setUp()
        self.configure_locations()
        with self.sandbox.store.lock:
            self.sandbox.store.orders.clear()
        raw = {"shipmentBoxId": 31000001, "orderId": 41000001, "receiver": BUYER}
        self.review = self.env["ec.order.import"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "shipment_box_id": "31000001",
                "coupang_order_id": "41000001",
                "state": "failed",
                "reason": "The item 綠茶 is not mapped to a product.",
                "payload": json.dumps(raw, ensure_ascii=False),
            }
        )
        self.request = self.env["ec.coupang.request"].create(
            {
                "account_id": self.account.id,
                "ec_store_key": self.account._coupang_store_key(),
                "receipt_id": "51000001",
                "kind": "return",
                "state": "failed",
                "reason": "The order is not in Odoo.",
                "payload": json.dumps({"receiptId": 51000001, "requester": BUYER}, ensure_ascii=False),
            }
        )

    def _actions(self):
        """{action: what the user does, on the records as the user sees them}"""
        return {
            "read the account, the reason, box and items of reviews and requests": lambda account, review, request: (
                account.read(["name", "state", "coupang_vendor_id"]),
                review.read(["reason", "shipment_box_id", "coupang_order_id", "items"]),
                request.read(["reason", "shipment_box_id", "kind", "items"]),
            ),
            "read Access Key": lambda account, review, request: account.read(["coupang_access_key"]),
            "read Secret Key (always empty)": lambda account, review, request: account.read(["coupang_secret_key"]),
            "read order to review's payload": lambda account, review, request: review.read(["payload"]),
            "read request's payload": lambda account, review, request: request.read(["payload"]),
            "Test Connection": lambda account, review, request: account.action_test_connection(),
            "Load Locations": lambda account, review, request: account.action_load_locations(),
            "Load Products": lambda account, review, request: account.action_load_products(),
            "Fetch Now": lambda account, review, request: account.action_fetch_now(),
            "Detect outbound IP": lambda account, review, request: account.action_detect_outbound_ip(),
            "Retry order to review": lambda account, review, request: review.action_retry(),
            "Retry request": lambda account, review, request: request.action_retry(),
            "Approve return": lambda account, review, request: request.action_approve_return(),
        }

    def _attempt(self, user, action):
        """``(outcome, calls to Coupang, calls to the IP echo service, values read)`` of the user's attempt."""
        records = [record.with_user(user) for record in (self.account, self.review, self.request)]
        coupang_before, echo_before = len(self.sandbox.requests), self.echo.hits
        self.env.invalidate_all()
        try:
            with self.env.cr.savepoint():
                values = action(*records)
            outcome = "allowed"
        except (AccessError, MissingError):
            values, outcome = None, "refused"
        except UserError:
            # Past the rights check: the action's own rule refused (e.g. nothing to approve).
            values, outcome = None, "allowed"
        return outcome, len(self.sandbox.requests) - coupang_before, self.echo.hits - echo_before, values

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "odoo.models")
    def test_who_may_do_what(self):
        """The table of users against actions, with the calls each refused attempt made (none)."""
        params = self.env["ir.config_parameter"].sudo()
        actions = self._actions()
        table, refused_calls = [], {}
        with IpEchoServer("203.0.113.7") as self.echo:
            self.set_ip_echo_url(self.echo.url)
            for row in EXPECTED:
                tested = {"action": row["action"]}
                for name, user in self.users.items():
                    params.set_param(DETECTED_IP_PARAM, False)
                    outcome, coupang_calls, echo_calls, values = self._attempt(user, actions[row["action"]])
                    tested[name] = outcome
                    if outcome == "refused":
                        refused_calls[(name, row["action"])] = coupang_calls + echo_calls
                        self.assertFalse(params.get_param(DETECTED_IP_PARAM), (name, row["action"]))
                    elif row["action"] == "read Secret Key (always empty)":
                        self.assertFalse(values[0]["coupang_secret_key"], name)
                    elif row["action"] in ("Test Connection", "Load Locations"):
                        self.assertGreater(coupang_calls, 0, (name, row["action"]))
                    elif row["action"] == "Fetch Now":
                        self.assertEqual(coupang_calls, 0, "Fetch Now asks the cron, Coupang is called there")
                    elif row["action"] == "Detect outbound IP":
                        self.assertEqual((echo_calls, params.get_param(DETECTED_IP_PARAM)), (1, "203.0.113.7"))
                table.append(tested)
        self.assertEqual(table, EXPECTED)
        self.assertEqual(len(refused_calls), sum(row[name] == "refused" for row in EXPECTED for name in USERS))
        self.assertEqual({attempt: calls for attempt, calls in refused_calls.items() if calls}, {})

    def test_refused_before_the_secret_key_is_decrypted(self):
        decrypted = []
        account_class = type(self.env["ec.account"])
        read_key = account_class._get_coupang_secret_key
        self.patch(
            account_class, "_get_coupang_secret_key", lambda account: decrypted.append(account) or read_key(account)
        )
        account = self.account.with_user(self.users["ec_user"])
        for action in (
            account.action_test_connection,
            account.action_load_locations,
            account.action_load_products,
            account.action_fetch_now,
        ):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                action()
        self.assertEqual(decrypted, [])
        self.account.with_user(self.users["ec_manager"]).action_test_connection()
        self.assertTrue(decrypted, "the patch sees a manager's decryption")

    def test_detect_ip_on_an_account_that_does_not_exist(self):
        params = self.env["ir.config_parameter"].sudo()
        missing_id = self.env["ec.account"].search([], order="id desc", limit=1).id + 1000
        with IpEchoServer("203.0.113.7") as echo:
            self.set_ip_echo_url(echo.url)
            for name in ("portal", "internal", "ec_manager", "admin"):
                account = self.env["ec.account"].with_user(self.users[name]).browse(missing_id)
                with self.assertRaises(MissingError):
                    account.action_detect_outbound_ip()
            self.assertEqual(echo.hits, 0)
        self.assertFalse(params.get_param(DETECTED_IP_PARAM))
