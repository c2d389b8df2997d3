"""Prepares the demo database (run inside `odoo shell`, which provides `env`).

Idempotent: makes the products of the sandbox's catalogue, a Taiwan carrier with a Coupang
delivery company code, and an EC account connected to the sandbox at $EC_COUPANG_SANDBOX_URL,
with its locations chosen and order fetching on a daily time; then fetches once.
"""

import os

from coupang_sandbox import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, DEMO_VENDOR_ID, SKU_CATALOGUE

SANDBOX_URL = os.environ["EC_COUPANG_SANDBOX_URL"]
ACCOUNT_NAME = "台北茶行 on Coupang (sandbox)"


def ensure(model, domain, values):
    record = env[model].with_context(active_test=False).search(domain, limit=1)  # noqa: F821
    if record:
        return record
    return env[model].create(values)  # noqa: F821


def ensure_products():
    for item in SKU_CATALOGUE:
        ensure(
            "product.product",
            [("default_code", "=", item.sku)],
            {"name": f"{item.name_zh} {item.option_zh}", "default_code": item.sku, "type": "consu",
             "is_storable": True, "list_price": float(item.price_twd)},
        )


def ensure_carrier():
    company = ensure(
        "ec.delivery.company",
        [("code", "=", "KERRYTJ")],
        {"code": "KERRYTJ", "name": "嘉里大榮物流 Kerry TJ", "market": "TW"},
    )
    carrier = ensure(
        "delivery.carrier",
        [("name", "=", "嘉里大榮物流 Kerry TJ")],
        {
            "name": "嘉里大榮物流 Kerry TJ",
            "delivery_type": "fixed",
            "product_id": env.ref("ec_coupang.product_coupang_shipping_fee").id,  # noqa: F821
        },
    )
    carrier.ec_delivery_company_id = company


def ensure_account():
    merchant = ensure("res.partner", [("name", "=", "台北茶行 Taipei Tea House")],
                      {"name": "台北茶行 Taipei Tea House", "is_company": True})
    account = ensure(
        "ec.account",
        [("name", "=", ACCOUNT_NAME)],
        {"name": ACCOUNT_NAME, "merchant_id": merchant.id, "coupang_market": "TW"},
    )
    account.write(
        {
            "coupang_base_url": SANDBOX_URL,
            "coupang_vendor_id": DEMO_VENDOR_ID,
            "coupang_access_key": DEMO_ACCESS_KEY,
            "coupang_secret_key": DEMO_SECRET_KEY,
        }
    )
    account.action_test_connection()
    if account.state != "connected":
        raise SystemExit(f"demo account not connected: {account.connection_message}")
    places = {location.name: location for location in account.location_ids}
    account.write(
        {
            "return_center_seven_eleven_id": places["7-ELEVEN 退貨中心"].id,
            "return_center_familymart_id": places["全家 退貨中心"].id,
            "outbound_place_home_id": places["台北倉 出貨地"].id,
        }
    )
    if not account.fetch_slot_ids:
        account.write({"fetch_slot_ids": [(0, 0, {"time": 9.0})]})
    account.fetch_orders = True
    return account


env.ref("base.TWD").active = True  # noqa: F821 - Coupang Taiwan's currency; the import never activates one
ensure_products()
ensure_carrier()
demo_account = ensure_account()
demo_account.action_fetch_now()
env.cr.commit()  # noqa: F821
print(f"demo account ready: {demo_account.name}, {demo_account.sale_order_count} orders")
