"""Shared test base: a Coupang sandbox on loopback and an EC account connected to it."""

import importlib.util
import io
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from coupang_sandbox import DEMO_SECRET_KEY, CoupangSandbox
from odoo import Command
from odoo.addons.ec_coupang.const import IP_ECHO_URL_PARAM
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase
from odoo.tests.common import HOST, _super_send
from odoo.tools.pdf import PdfFileReader

SECRET_KEY = DEMO_SECRET_KEY
# The kinds of users whose rights the tests check: {name: their groups}.
USERS = {
    "portal": ["base.group_portal"],
    "internal": ["base.group_user"],
    "sales_own": ["sales_team.group_sale_salesman"],
    "sales_all": ["sales_team.group_sale_salesman_all_leads"],
    "inventory": ["stock.group_stock_user"],
    "ec_user": ["ec_coupang.group_ec_user"],
    "ec_manager": ["ec_coupang.group_ec_manager"],
    "other_company_manager": ["ec_coupang.group_ec_manager"],
    "admin": None,  # base.user_admin, an EC manager
}
MANAGERS = {"ec_manager", "admin"}


def load_module_file(name, path):
    """The Python file ``path`` (a script or a migration, not a package's module) as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def create_users(env):
    """{name: user} of each kind of ``USERS``, in the current company but the other company's manager."""
    other_company = env["res.company"].create({"name": "Other Warehouse Co."})
    users = {"admin": env.ref("base.user_admin")}
    for name, groups in USERS.items():
        if groups is None:
            continue
        company = other_company if name == "other_company_manager" else env.company
        users[name] = env["res.users"].create(
            {
                "name": name,
                "login": f"access_{name}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref(group).id for group in groups])],
            }
        )
    return users


class EcCoupangTestMixin:
    """Starts a fresh sandbox for each test and points an EC account at it."""

    sandbox_seed = 7

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test guard compares the timeout with a number; the client passes a
        # (connect, read) tuple. Loopback requests (the sandbox) go through unchanged.
        if r.url.startswith((f"http://{HOST}:", "http://localhost:")):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.merchant = cls.env["res.partner"].create({"name": "台北茶行 Taipei Tea House", "is_company": True})
        cls.ec_user = cls.env["res.users"].create(
            {
                "name": "EC clerk",
                "login": "ec_clerk",
                "groups_id": [Command.set([cls.env.ref("ec_coupang.group_ec_user").id])],
            }
        )

    def setUp(self):
        super().setUp()
        self.sandbox = CoupangSandbox(seed=self.sandbox_seed)
        self.sandbox.start()
        self.addCleanup(self.sandbox.stop)
        self.account = self._create_account()
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected", self.account.connection_message)

    def _create_account(self, vendor=None, **values):
        vendor = vendor or self.sandbox.demo_vendor
        return self.env["ec.account"].create(
            {
                "name": "Coupang TW",
                "merchant_id": self.merchant.id,
                "coupang_vendor_id": vendor.vendor_id,
                "coupang_access_key": vendor.access_key,
                "coupang_secret_key": vendor.secret_key,
                "coupang_base_url": self.sandbox.base_url,
                "coupang_market": "TW",
                **values,
            }
        )

    def clear_sandbox_orders(self):
        """Removes the seeded orders, for tests that count exactly what they add."""
        with self.sandbox.store.lock:
            self.sandbox.store.orders.clear()

    def add_store(self, vendor_id="A00054321"):
        """Another Coupang store (vendor) on the sandbox, with the demo store's return centers and
        outbound places: one active EC account per store."""
        vendor = self.sandbox.add_vendor(vendor_id, f"access-{vendor_id}", f"secret-{vendor_id}")
        store = self.sandbox.store
        with store.lock:
            store.places[vendor_id] = list(store.places[self.sandbox.demo_vendor.vendor_id])
        return vendor

    def configure_locations(self, account=None):
        """Picks the sandbox's 7-ELEVEN and FamilyMart return centers and its first outbound place."""
        account = account or self.account
        Location = self.env["ec.location"]
        by_code = {location.code: location for location in account.location_ids}
        seven, family = self.sandbox.return_center_codes()[:2]
        account.write(
            {
                "return_center_seven_eleven_id": by_code.get(seven, Location).id,
                "return_center_familymart_id": by_code.get(family, Location).id,
                "outbound_place_home_id": by_code.get(self.sandbox.outbound_place_codes()[0], Location).id,
            }
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """assertRaises (which rolls back to a savepoint in Odoo) plus a look at the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))

    def set_ip_echo_url(self, url):
        self.env["ir.config_parameter"].sudo().set_param(IP_ECHO_URL_PARAM, url)

    def let_threads_open_environments(self):
        """For the test, threads may open an environment of their own, on a cursor of their own.

        Odoo's test runner holds the registry lock while the tests run, and a new environment takes
        it (``Registry(dbname)``): a worker thread would wait for it until the end of the run. As
        HttpCase does for its requests, the lock is a dummy for the test's duration."""
        self.addCleanup(setattr, Registry, "_lock", Registry._lock)
        Registry._lock = DummyRLock()


def pdf_text(pdf):
    """The PDF's text, its words separated by one space."""
    return " ".join(" ".join(page.extract_text() for page in PdfFileReader(io.BytesIO(pdf)).pages).split())


class EcCoupangCase(EcCoupangTestMixin, TransactionCase):
    pass


class IpEchoServer:
    """A loopback stand-in for the public "what is my IP" service the account form uses."""

    def __init__(self, answer):
        answer_bytes = answer.encode()
        self.hits = 0
        echo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                echo.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(answer_bytes)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
