"""Prepares the demo database (run inside `odoo shell`, which provides `env`).

Idempotent: a company in Taiwan (Taipei address, Asia/Taipei, TWD) whose admin works in Taipei
time, the products of the sandbox's catalogue with stock, a Taiwan carrier with a Coupang
delivery company code, and an EC account connected to the sandbox at $EC_COUPANG_SANDBOX_URL,
with the admin as its responsible, its locations chosen and order fetching on a daily time (on the
first run only: a restart keeps the user's changes); Traditional Chinese and Korean installed
beside English; then fetches once.
"""

import os

from coupang_sandbox import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, DEMO_VENDOR_ID, DEMO_WING_USER_ID, SKU_CATALOGUE

ACCOUNT_XMLID = "ec_coupang_demo.account"
ACCOUNT_NAME = "台北茶行 on Coupang (sandbox)"
# Installed beside English: the Taiwan market's Traditional Chinese and the Korea market's Korean.
DEMO_LANGUAGES = ("zh_TW", "ko_KR")


def ensure(env, model, domain, values):
    record = env[model].with_context(active_test=False).search(domain, limit=1)
    if record:
        return record
    return env[model].create(values)


def ensure_taiwan_company(env):
    company = env.company
    taiwan = env.ref("base.tw")
    twd = env.ref("base.TWD").with_context(active_test=False)
    company.partner_id.write(
        {
            "name": "台北物流 Taipei Logistics",
            "street": "信義路五段7號",
            "city": "台北市",
            "zip": "110",
            "country_id": taiwan.id,
            "tz": "Asia/Taipei",
        }
    )
    if company.currency_id != twd and not env["account.move.line"].search_count([], limit=1):
        twd.write({"active": True, "rounding": 0.01})  # Coupang's TWD amounts have cents
        company.currency_id = twd
    env.ref("base.user_admin").tz = "Asia/Taipei"


def ensure_languages(env):
    """Traditional Chinese and Korean (ko_KR, which a user picks directly: Odoo lists "Korean (KP)"
    first) for every installed module, and the addon's latest texts in both."""
    Lang = env["res.lang"].with_context(active_test=False)
    for code in DEMO_LANGUAGES:
        if not Lang.search([("code", "=", code), ("active", "=", True)]):
            lang = Lang._activate_lang(code)
            env["base.language.install"].create({"lang_ids": [lang.id]}).lang_install()
    env["ir.module.module"]._load_module_terms(["ec_coupang"], list(DEMO_LANGUAGES), overwrite=True)


def ensure_stock(env, products):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    for product in products:
        if product.qty_available < 100:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 500)


def ensure_products(env):
    return [
        ensure(
            env,
            "product.product",
            [("default_code", "=", item.sku)],
            {"name": f"{item.name_zh} {item.option_zh}", "default_code": item.sku, "type": "consu",
             "is_storable": True, "list_price": float(item.price_twd)},
        )
        for item in SKU_CATALOGUE
    ]


def ensure_carrier(env):
    company = ensure(
        env,
        "ec.delivery.company",
        [("code", "=", "KERRYTJ")],
        {"code": "KERRYTJ", "name": "嘉里大榮物流 Kerry TJ", "market": "TW"},
    )
    carrier = ensure(
        env,
        "delivery.carrier",
        [("name", "=", "嘉里大榮物流 Kerry TJ")],
        {
            "name": "嘉里大榮物流 Kerry TJ",
            "delivery_type": "fixed",
            "product_id": env.ref("ec_coupang.product_coupang_shipping_fee").id,
        },
    )
    carrier.ec_delivery_company_id = company


def ensure_account(env, sandbox_url):
    """The demo account, made and prepared on the first run only: a restart keeps what the user
    changed on it (its API Base URL, its locations, its schedule)."""
    # A second account made in the browser reaches the sandbox too, without developer mode.
    env["ir.default"].set("ec.account", "coupang_base_url", sandbox_url)
    account = env.ref(ACCOUNT_XMLID, raise_if_not_found=False)
    if not account:
        account = env["ec.account"].with_context(active_test=False).search([("name", "=", ACCOUNT_NAME)], limit=1)
        account = account or prepare_account(env, sandbox_url)
        env["ir.model.data"]._update_xmlids([{"xml_id": ACCOUNT_XMLID, "record": account, "noupdate": True}])
    return account


def prepare_account(env, sandbox_url):
    merchant = ensure(env, "res.partner", [("name", "=", "台北茶行 Taipei Tea House")],
                      {"name": "台北茶行 Taipei Tea House", "is_company": True})
    account = env["ec.account"].create(
        {
            "name": ACCOUNT_NAME,
            "merchant_id": merchant.id,
            "coupang_market": "TW",
            "user_id": env.ref("base.user_admin").id,
            "coupang_base_url": sandbox_url,
            "coupang_vendor_id": DEMO_VENDOR_ID,
            "coupang_access_key": DEMO_ACCESS_KEY,
            "coupang_secret_key": DEMO_SECRET_KEY,
            "coupang_wing_user_id": DEMO_WING_USER_ID,
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
            "fetch_slot_ids": [(0, 0, {"time": 9.0})],
            "fetch_orders": True,
        }
    )
    return account


def main(env):
    ensure_taiwan_company(env)
    ensure_languages(env)
    ensure_stock(env, ensure_products(env))
    ensure_carrier(env)
    account = ensure_account(env, os.environ["EC_COUPANG_SANDBOX_URL"])
    if account.active and account.state == "connected":
        account._fetch_orders()
    env.cr.commit()
    print(f"demo account ready: {account.name}, {account.sale_order_count} orders")


if "env" in globals():  # run by `odoo shell`, which provides env; the tests import it
    main(env)  # noqa: F821
