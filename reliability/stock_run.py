"""Stock run: the warehouse's quantities of the Korea store's items change at random over several
rounds of the stock scheduled action while Coupang fails 20% of the calls, and at the end Coupang has
each item's free quantity less the safety stock: no stale value, no item left failed.

The sandbox answers one call in five with a 429, a 500 or 503, a reset connection, a page that is
not JSON, a JSON body cut in half, or an answer later than the client's read timeout (the sandbox
still carries that call out, as Coupang would). Each round changes the stock of the items (receipts,
deliveries, reservations), committed ten changes at a time in one thread, while the scheduled action
runs once in another, after the pauses of the items that failed have passed; at the end the faults
stop and it runs until nothing is due.

Usage: python3 -m reliability.stock_run --conf odoo.conf --db DB [--orders 60 (the items)]
"""

import random
import threading
import time
from collections import Counter

from testbed import harness

from . import common
from .fault_run import FAULT_RATE, FAULTS, count_faults

ROUNDS = 6
CHANGES_PER_ITEM = 3  # per round
COMMIT_EVERY = 10  # changes: the scheduled action meets changes committed while it runs
SAFETY_STOCK = 2
START_STOCK = 30
RATE_LIMIT = 40.0  # calls per second of the run's vendor: the run measures faults, not the limit
MAX_CLEAN_RUNS = 10
LATE_CALL_SECONDS = 1.5  # the sandbox's delay fault holds a call 1 s
FIRST_PRODUCT, FIRST_ITEM = 7400000000, 94000000000


def main():
    with common.started(__doc__, "Stock run TW") as run, harness.fast_client():
        items = run.args.orders
        chance = random.Random(run.args.seed)
        faults = count_faults(run.sandbox)
        with harness.environment(run.registry) as env:
            account, products = prepare(env, run.sandbox, items)
            account_id, product_ids = account.id, products.ids
        run.sandbox.enable_random_faults(FAULT_RATE, seed=run.args.seed, names=FAULTS)
        changes = 0
        problems = []
        for _round in range(ROUNDS):
            changed, error = changes_while_sending(run, product_ids, chance)
            changes += changed
            if error:
                problems.append(f"the stock changes failed: {error!r}")
        under_faults = faults.total()
        run.sandbox.clear_faults()
        rounds = ROUNDS
        for _clean in range(MAX_CLEAN_RUNS):
            rounds += 1
            time.sleep(LATE_CALL_SECONDS)
            if not send(run):
                break
        problems += stale_problems(run, account_id, product_ids)
    calls = [request for request in run.sandbox.requests if request.endpoint == "item_quantity"]
    proved = (
        f"{items} items, {changes} quantity changes in {ROUNDS} rounds under {under_faults} faults "
        f"({dict(faults)}), {rounds} cron runs in all, {len(calls)} stock calls "
        f"({dict(Counter(request.status for request in calls))} by status): every item's stock on Coupang "
        f"is its free quantity less the safety stock of {SAFETY_STOCK}"
    )
    return common.verdict("stock run", problems, proved)


def prepare(env, sandbox, items):
    """The Korea account of the sandbox's vendor, sending the stock of ``items`` mapped products."""
    from odoo.addons.ec_coupang.const import STOCK_COALESCING_PARAM  # noqa: PLC0415 - once Odoo is configured

    account, _schedule = harness.create_account(env, sandbox, "Stock run KR", fetch_time=5.0, market="KR")
    env["ec.account"].search([("coupang_vendor_id", "=", account.coupang_vendor_id)]).coupang_rate_limit = RATE_LIMIT
    env["ir.config_parameter"].set_param(STOCK_COALESCING_PARAM, "0")
    products = env["product.product"].create(
        [{"name": f"Stock run tea {n}", "is_storable": True} for n in range(items)]
    )
    for n, product in enumerate(products):
        item = (FIRST_ITEM + n, f"STOCK-RUN-{n}", f"881{n:010d}", f"녹차 {n}", [], 9900)
        sandbox.add_seller_product(FIRST_PRODUCT + n, f"녹차 {n}", [item])
        env["ec.product.mapping"].create(
            {"account_id": account.id, "vendor_item_id": str(FIRST_ITEM + n), "product_id": product.id}
        )
        env["stock.quant"]._update_available_quantity(product, account._stock_locations(), START_STOCK)
    account.write({"stock_push": True, "stock_safety": SAFETY_STOCK})
    return account, products


def changes_while_sending(run, product_ids, chance):
    """One round: the stock changes, committed a few at a time, while the scheduled action runs in
    another thread; (the changes, the error that stopped them or None)."""
    outcome = {"changes": 0, "error": None}

    def change():
        try:
            with harness.environment(run.registry) as env:
                outcome["changes"] = change_stock(env, env["product.product"].browse(product_ids), chance)
        except Exception as error:  # noqa: BLE001 - reported as the run's problem
            outcome["error"] = error

    time.sleep(LATE_CALL_SECONDS)
    changer = threading.Thread(target=change)
    changer.start()
    send(run)
    changer.join()
    return outcome["changes"], outcome["error"]


def change_stock(env, products, chance):
    """Receipts, deliveries and reservations of random items in the account's warehouse, committed
    every few changes; their count."""
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    Quant = env["stock.quant"]
    count = CHANGES_PER_ITEM * len(products)
    for _change in range(count):
        product = chance.choice(products)
        quants = Quant._gather(product, warehouse.lot_stock_id, strict=True)
        on_hand, reserved = sum(quants.mapped("quantity")), sum(quants.mapped("reserved_quantity"))
        kind = chance.random()
        units = chance.randint(1, 3)
        if kind < 0.2 and on_hand - reserved >= units:
            Quant._update_reserved_quantity(product, warehouse.lot_stock_id, units)
        elif kind < 0.4 and reserved >= units:
            Quant._update_reserved_quantity(product, warehouse.lot_stock_id, -units)
        else:
            change = chance.randint(-6, 6)
            if change and on_hand + change >= reserved:
                Quant._update_available_quantity(product, warehouse.lot_stock_id, change)
        if _change % COMMIT_EVERY == 0:
            env.cr.commit()
    return count


def send(run):
    """One run of the stock scheduled action, once the pauses of the items tried before have passed;
    whether anything was due. The pause before another try (a minute at least) is cut short to
    LATE_CALL_SECONDS since the last run, longer than the sandbox holds a late call: Coupang may
    carry out a call whose answer came too late, and a later call must come after it."""
    with harness.environment(run.registry) as env:
        pending = env["ec.stock.push"].search([("state", "=", "pending")])
        pending.write({"due_at": "2000-01-01 00:00:00"})
    with harness.environment(run.registry) as env:
        return env["ec.stock.push"]._cron_send_stock() > 0 or bool(pending)


def stale_problems(run, account_id, product_ids):
    with harness.environment(run.registry) as env:
        account = env["ec.account"].browse(account_id)
        products = env["product.product"].browse(product_ids)
        expected = account._stock_to_send(products)
        rows = env["ec.stock.push"].search([("account_id", "=", account_id)])
        problems = []
        states = Counter(rows.mapped("state"))
        if set(states) != {"sent"} or len(rows) != len(products):
            problems.append(f"{len(rows)} queue rows for {len(products)} items, states {dict(states)}")
        vendor_id = run.sandbox.demo_vendor.vendor_id
        stale = {}
        for n, product in enumerate(products):
            on_coupang = run.sandbox.catalog.vendor_item(vendor_id, "KR", FIRST_ITEM + n).maximum_buy_count
            if on_coupang != expected[product.id]:
                stale[product.name] = (on_coupang, expected[product.id])
        if stale:
            problems.append(f"{len(stale)} items stale on Coupang (Coupang, Odoo): {dict(list(stale.items())[:5])}")
    return problems


if __name__ == "__main__":
    common.run(main)
