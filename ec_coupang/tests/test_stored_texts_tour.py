import base64
import io
import json
import os
import urllib.parse
from unittest.mock import patch

from PIL import Image

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools import config

from .fetch_common import EcFetchMixin
from .test_stored_texts import CATALOGUES, ReadersMixin, translation

SERVER_IP = "203.0.113.7"
IP_REFUSED = (
    "Coupang refused this server's IP address (%s). In Wing, open the Open API key's settings and add "
    "this IP address to the allowed IPs; a change can take up to 30 minutes."
)
SUMMARY = (
    "%(read)s read, %(created)s created, %(existing)s already imported, %(held)s held, "
    "%(failed)s failed, %(canceled)s canceled."
)
NO_PRODUCT = (
    "No product for the Coupang items %s. Give the product the item's SKU as internal "
    "reference, or map the item in Product Mappings, then retry."
)
# The screenshots go to docs/screenshots/ when EC_COUPANG_SCREENSHOTS=1 (they are committed), else
# to Odoo's folder of the tests' screenshots.
DOCS_SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots")
SCREEN_WIDTH = 1366


def opening(msgstr):
    """A translation's words before its first placeholder, which the rendered text starts with."""
    return msgstr.split("%")[0]


@tagged("post_install", "-at_install", "ec_coupang_tour")
class TestStoredTextsTour(ReadersMixin, EcFetchMixin, HttpCase):
    """A Korean and a Taiwanese user read the same stored texts in the browser, each in their own
    language: why an order is held for review, the account's banner after a fetch Coupang refused
    for the server's IP address, and that fetch's summary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The web client's own terms of the forms shown (the chatter, the form's buttons).
        cls.env["ir.module.module"]._load_module_terms(["base", "web", "mail"], list(CATALOGUES))

    def setUp(self):
        super().setUp()
        self.clear_sandbox_orders()
        box = self.sandbox.add_order(delivery="home", items=[("CP-TEA-001", 1)])
        box.lines[0].external_vendor_sku_code = "TEA-OLD-SKU"
        self.fetch()
        self.review = self.env["ec.order.import"].search([("shipment_box_id", "=", str(box.shipment_box_id))])
        self.assertEqual(self.review.state, "held")
        self.account.outbound_ip = SERVER_IP
        self.sandbox.set_allowed_ips(["198.51.100.99"])
        self.fetch()
        self.assertEqual(self.account.state, "failed")
        manager = self.env.ref("ec_coupang.group_ec_manager")
        self.readers = {
            lang: self.env["res.users"].create(
                {
                    "name": name,
                    "login": f"reader_{lang}",
                    "password": f"reader_{lang}",
                    "lang": lang,
                    "tz": "Asia/Taipei",
                    "groups_id": [Command.set([manager.id, self.env.ref("base.group_user").id])],
                }
            )
            for lang, name in (("ko_KR", "김민준"), ("zh_TW", "陳怡君"))
        }

    def texts(self, lang):
        """What the reader of ``lang`` reads, each text checked to be in their language first."""
        reader = self.readers[lang]
        account = self.account.with_user(reader).with_context(lang=lang)
        review = self.review.with_user(reader).with_context(lang=lang)
        english = self.account.with_context(lang="en_US")
        texts = {
            "banner": account.connection_message,
            "summary": account.last_fetch_summary,
            "reason": review.reason,
            "banner_en": opening(IP_REFUSED),
            "summary_en": " already imported, ",
            "reason_en": opening(NO_PRODUCT),
        }
        self.assertIn(SERVER_IP, texts["banner"])
        self.assertTrue(english.connection_message.startswith(opening(IP_REFUSED) + SERVER_IP))
        for key, msgid in (("banner", IP_REFUSED), ("reason", NO_PRODUCT)):
            self.assertTrue(texts[key].startswith(opening(translation(lang, msgid))), texts[key])
        log = self.account.last_fetch_log_id
        counts = {name: log[f"count_{name}"] for name in ("read", "created", "existing", "held", "failed", "canceled")}
        self.assertTrue(texts["summary"].startswith(translation(lang, SUMMARY) % counts), texts["summary"])
        self.assertIn(translation(lang, IP_REFUSED).split("%s")[1], texts["summary"])
        return texts

    def read_in_browser(self, lang):
        """Runs both tours as the reader of ``lang``; returns the screenshots of their last pages,
        each down to the element ``until`` names (the top of the review's Coupang data, the bottom
        of the account's form; the chatter, written in the company's language, left out)."""
        reader = self.readers[lang]
        cookies = {"ec_coupang_stored_texts": urllib.parse.quote(json.dumps(self.texts(lang)))}
        pages = (
            (
                f"/odoo/action-ec_coupang.ec_account_action/{self.account.id}",
                "ec_coupang_stored_texts_account_tour",
                "document.querySelector('.o_form_view .o_form_sheet').getBoundingClientRect().bottom",
            ),
            (
                f"/odoo/action-ec_coupang.ec_order_import_action/{self.review.id}",
                "ec_coupang_stored_texts_review_tour",
                "document.querySelector('.o_form_view .o_notebook').getBoundingClientRect().top",
            ),
        )
        shots = []
        stop = ChromeBrowser.stop
        for url, tour, until in pages:

            def capture_then_stop(browser, until=until):
                """The page the tour ended on, in a window tall enough for all of it; then the browser stops."""
                try:
                    browser._websocket_request(
                        "Emulation.setDeviceMetricsOverride",
                        params={"width": SCREEN_WIDTH, "height": 3000, "deviceScaleFactor": 1, "mobile": False},
                    )
                    bottom = browser._websocket_request(
                        "Runtime.evaluate", params={"expression": until, "returnByValue": True}
                    )["result"]["value"]
                    clip = {"x": 0, "y": 0, "width": SCREEN_WIDTH, "height": round(bottom) + 16, "scale": 1}
                    shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png", "clip": clip})
                    shots.append(base64.b64decode(shot["data"]))
                finally:
                    stop(browser)

            with patch.object(ChromeBrowser, "stop", capture_then_stop):
                self.start_tour(url, tour, login=reader.login, cookies=cookies)
        self.assertEqual(len(shots), len(pages))
        return shots

    def save_screenshot(self, lang, shots):
        """The two pages one above the other, as docs/screenshots/stored_texts_<lang>.png."""
        pages = [Image.open(io.BytesIO(shot)) for shot in shots]
        sheet = Image.new("RGB", (max(page.width for page in pages), sum(page.height for page in pages)), "white")
        top = 0
        for page in pages:
            sheet.paste(page, (0, top))
            top += page.height
        folder = DOCS_SCREENSHOTS if os.environ.get("EC_COUPANG_SCREENSHOTS") == "1" else config["screenshots"]
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"stored_texts_{lang}.png")
        sheet.save(path, optimize=True)
        self.assertGreater(os.path.getsize(path), 10000)

    def test_a_korean_and_a_taiwanese_user_read_the_stored_texts_in_their_language(self):
        for lang in ("ko_KR", "zh_TW"):
            with self.subTest(lang=lang):
                self.save_screenshot(lang, self.read_in_browser(lang))
