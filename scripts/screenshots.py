"""Takes the README's screenshots from a running demo (scripts/run) with headless Chromium.

Usage: python3 scripts/screenshots.py [http://127.0.0.1:8069] [ec_coupang_demo] [docs/screenshots]
Ships one Coupang delivery with a tracking number through the web client's JSON-RPC first, waits
until its push to Coupang is done, then captures the EC account form, the order list and that
delivery; then the EC account form, the EC Integrations dashboard, the Coupang Requests list, the
cash-on-delivery order with its e-invoice request and its delivery slip, in English, Traditional
Chinese and Korean (each language activated if the demo has not, the admin's language switched
through JSON-RPC). Chromium is driven over its DevTools protocol (websocket-client).
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

BASE_URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8069"
DATABASE = sys.argv[2] if len(sys.argv) > 2 else "ec_coupang_demo"
OUTPUT = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "docs", "screenshots")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1440,900",
]


LANGUAGES = (("en_US", ""), ("zh_TW", "_zh_TW"), ("ko_KR", "_ko_KR"))


class Odoo:
    def __init__(self):
        self.session = requests.Session()
        session = self._rpc("/web/session/authenticate", {"db": DATABASE, "login": "admin", "password": "admin"})
        self.uid = session["uid"]

    def activate_language(self, code):
        inactive = self.call("res.lang", "search", [("code", "=", code), ("active", "=", False)])
        if inactive:
            wizard = self.call("base.language.install", "create", {"lang_ids": [(6, 0, inactive)]})
            self.call("base.language.install", "lang_install", [wizard])

    def set_language(self, code, picking_id):
        """The admin's language, and the buyer's: a delivery slip is printed in the buyer's."""
        self.activate_language(code)
        self.call("res.users", "write", [self.uid], {"lang": code})
        picking = self.call("stock.picking", "read", [picking_id], ["partner_id", "move_ids"])[0]
        moves = self.call("stock.move", "read", picking["move_ids"], ["partner_id"])
        buyers = {picking["partner_id"][0], *(move["partner_id"][0] for move in moves if move["partner_id"])}
        self.call("res.partner", "write", sorted(buyers), {"lang": code})

    def _rpc(self, path, params):
        response = self.session.post(f"{BASE_URL}{path}", json={"jsonrpc": "2.0", "params": params}, timeout=60)
        body = response.json()
        if body.get("error"):
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self._rpc("/web/dataset/call_kw", {"model": model, "method": method, "args": args, "kwargs": kwargs})

    @property
    def session_id(self):
        return self.session.cookies["session_id"]


def ship_one_delivery(odoo):
    """Validates one Coupang delivery with carrier and tracking number; returns its id once pushed."""
    carrier_id = odoo.call("delivery.carrier", "search", [("ec_delivery_company_id", "!=", False)], limit=1)[0]
    done = odoo.call("stock.picking", "search", [("ec_push_state", "=", "done")], limit=1)
    if done:
        return done[0]
    picking = odoo.call(
        "stock.picking",
        "search_read",
        [("sale_id.ec_account_id", "!=", False), ("state", "in", ["confirmed", "assigned"])],
        ["move_ids"],
        limit=1,
    )[0]
    for move in odoo.call("stock.move", "read", picking["move_ids"], ["product_uom_qty"]):
        odoo.call("stock.move", "write", [move["id"]], {"quantity": move["product_uom_qty"], "picked": True})
    odoo.call(
        "stock.picking", "write", [picking["id"]], {"carrier_id": carrier_id, "carrier_tracking_ref": "TJ8800012345"}
    )
    result = odoo.call("stock.picking", "button_validate", [picking["id"]])
    if isinstance(result, dict) and result.get("res_model") == "confirm.stock.sms":
        # Odoo asks once per company whether to text customers; the demo does not.
        odoo.call("confirm.stock.sms", "dont_send_sms", [result["res_id"]], context=result["context"])
    for _ in range(60):
        state = odoo.call("stock.picking", "read", [picking["id"]], ["ec_push_state"])[0]["ec_push_state"]
        if state == "done":
            return picking["id"]
        time.sleep(1)
    raise RuntimeError(f"the delivery was not pushed to Coupang: {state}")


def cod_order(odoo):
    """The demo's cash-on-delivery order with a company's e-invoice request, and its delivery."""
    order = odoo.call(
        "sale.order",
        "search_read",
        [("coupang_is_cod", "=", True), ("coupang_receipt_type", "=", "BUSINESS")],
        ["picking_ids"],
        limit=1,
    )[0]
    return order["id"], order["picking_ids"][0]


class Chromium:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="ec_coupang_shots_")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                *CHROMIUM_FLAGS,
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        page = next(
            target
            for target in requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
            if target["type"] == "page"
        )
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def wait_for(self, selector, seconds=30):
        script = f"!!document.querySelector({json.dumps(selector)})"
        for _ in range(seconds * 4):
            if self.send("Runtime.evaluate", expression=script)["result"].get("value"):
                return
            time.sleep(0.25)
        raise RuntimeError(f"{selector} never appeared")

    def open(self, url, selector):
        self.send("Page.navigate", url=url)
        self.wait_for(selector)

    def capture(self, url, selector, path, click=None):
        self.open(url, selector)
        if click:
            self.send("Runtime.evaluate", expression=f"document.querySelector({json.dumps(click)}).click()")
            self.wait_for(f"{click}.active")
        time.sleep(1.5)  # let fonts and images settle
        # Transient notifications (e.g. Odoo's "page is out of date" after the demo built its
        # assets) are not part of the page the README shows.
        hide = "document.querySelectorAll('.o_notification').forEach(n => n.remove())"
        self.send("Runtime.evaluate", expression=hide)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as image:
            image.write(base64.b64decode(data))
        print(f"wrote {path}")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    odoo = Odoo()
    picking_id = ship_one_delivery(odoo)
    account_id = odoo.call("ec.account", "search", [], limit=1)[0]
    cod_order_id, cod_picking_id = cod_order(odoo)
    os.makedirs(OUTPUT, exist_ok=True)
    english_shots = [
        ("/odoo/action-sale.action_orders", ".o_list_view .o_data_row", "orders"),
        (
            f"/odoo/action-stock.action_picking_tree_all/{picking_id}",
            ".o_form_view .o_notebook",
            "picking",
            ".o_notebook a.nav-link[name=extra]",
        ),
    ]
    shots_in_each_language = [
        (f"/odoo/action-ec_coupang.ec_account_action/{account_id}", ".o_form_view .alert-success", "account"),
        ("/odoo/action-ec_coupang.ec_account_action_dashboard", ".o_kanban_record .o_ec_connection", "dashboard"),
        ("/odoo/action-ec_coupang.ec_coupang_request_action", ".o_list_view .o_data_row", "requests"),
        (
            f"/odoo/action-sale.action_orders/{cod_order_id}",
            ".o_form_view .o_notebook",
            "order_e_invoice",
            ".o_notebook a.nav-link[name=coupang]",
        ),
        (f"/report/html/stock.report_deliveryslip/{cod_picking_id}", "div[name=div_ec_cod]", "delivery_slip"),
    ]
    browser = Chromium()
    try:
        browser.send("Network.setCookie", name="session_id", value=odoo.session_id, url=BASE_URL)
        for lang, suffix in LANGUAGES:
            odoo.set_language(lang, cod_picking_id)
            # The first visit builds the asset bundles; later pages then load them as they are.
            browser.open(f"{BASE_URL}/odoo", ".o_main_navbar")
            for path, selector, name, *click in (english_shots if not suffix else []) + shots_in_each_language:
                browser.capture(f"{BASE_URL}{path}", selector, os.path.join(OUTPUT, f"{name}{suffix}.png"), *click)
    finally:
        odoo.set_language("en_US", cod_picking_id)
        browser.close()


if __name__ == "__main__":
    main()
