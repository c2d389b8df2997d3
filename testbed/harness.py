"""Odoo run from a plain script, as a server worker runs it: the registry, cursors that commit, and
what a measured flow needs (products for the sandbox's SKUs, a carrier with its Coupang code, an EC
account fetching from a sandbox). Shared by the benchmarks (bench/) and the reliability runs
(reliability/); neither is a test, both work on a database of their own.
"""

import functools
import os
import time
from collections import Counter
from contextlib import contextmanager
from unittest.mock import patch

from coupang_sandbox import SKU_CATALOGUE

from .servers import tree_cpu_seconds

STOCK_PER_PRODUCT = 10_000_000
TAIPEI = "Asia/Taipei"
DELIVERY_COMPANY_CODE = "KERRYTJ"
CARRIER_NAME = "Kerry TJ (benchmark)"
PUSH_CRON_XMLID = "ec_coupang.ir_cron_ec_push_tracking"
# The sandbox's delay fault waits 1 s; a shorter read timeout turns it into a client timeout.
FAST_CLIENT = {"timeout": (1.0, 0.5), "retries": 3, "backoff_factor": 0}


def open_registry(conf, db, log_level="warn", logfile=None):
    """Configures Odoo from ``conf`` and loads the registry of ``db`` (ec_coupang installed)."""
    import odoo  # noqa: PLC0415 - Odoo is configured here, not when this module is imported
    from odoo.modules.registry import Registry  # noqa: PLC0415

    args = ["-c", conf, "-d", db, f"--log-level={log_level}"]
    if logfile:
        args.append(f"--logfile={logfile}")
    odoo.tools.config.parse_config(args, setup_logging=True)
    return Registry(db)


@contextmanager
def environment(registry):
    """A superuser environment on a new cursor, committed when the block ends without error."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


@contextmanager
def fast_client():
    """The accounts' Coupang client without pauses between its tries and with short timeouts."""
    from odoo.addons.ec_coupang.models import ec_account_connection as ec_account  # noqa: PLC0415

    with patch.object(ec_account, "CoupangClient", functools.partial(ec_account.CoupangClient, **FAST_CLIENT)):
        yield


# === the database's shared objects === #


def prepare_database(env):
    """Company time zone, the Taiwan dollar active, storable products for every sandbox SKU with plenty
    of stock, and a carrier with a Coupang delivery company. Idempotent.

    Validated deliveries do not text the buyer (Odoo's SMS confirmation would call Odoo's paid SMS
    service over the internet for every delivery).
    """
    env.company.partner_id.tz = TAIPEI
    env.company.stock_move_sms_validation = False
    env.ref("base.TWD").active = True  # the import never activates a currency
    env.ref("base.KRW").active = True
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    Product = env["product.product"]
    for item in SKU_CATALOGUE:
        if Product.search_count([("default_code", "=", item.sku)]):
            continue
        product = Product.create({"name": item.name_zh, "default_code": item.sku, "is_storable": True})
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, STOCK_PER_PRODUCT)
    carrier(env)


def carrier(env):
    Carrier = env["delivery.carrier"]
    found = Carrier.search([("name", "=", CARRIER_NAME)], limit=1)
    if found:
        return found
    company = env["ec.delivery.company"].search([("market", "=", "TW"), ("code", "=", DELIVERY_COMPANY_CODE)], limit=1)
    company = company or env["ec.delivery.company"].create(
        {"market": "TW", "code": DELIVERY_COMPANY_CODE, "name": "嘉里大榮"}
    )
    service = env["product.product"].create({"name": f"{CARRIER_NAME} shipping", "type": "service"})
    return Carrier.create({"name": CARRIER_NAME, "product_id": service.id, "ec_delivery_company_id": company.id})


def create_account(env, sandbox, name, fetch_time=3.0, first_days=8, market="TW", vendor=None):
    """A connected EC account of the sandbox's store in ``market`` (of ``vendor``, default: the demo
    vendor), locations chosen, fetching daily at ``fetch_time``: the accounts fetching at the same
    time share one schedule.

    :return: the account and the ``ec.fetch.schedule`` whose cron fetches it
    """
    vendor = vendor or sandbox.demo_vendor
    # One active account per Coupang store: an earlier measurement's account of the vendor retires.
    env["ec.account"].search(
        [("coupang_vendor_id", "=", vendor.vendor_id), ("coupang_market", "=", market)]
    ).active = False
    account = env["ec.account"].create(
        {
            "name": name,
            "merchant_id": env["res.partner"].create({"name": f"{name} merchant", "is_company": True}).id,
            "coupang_vendor_id": vendor.vendor_id,
            "coupang_access_key": vendor.access_key,
            "coupang_secret_key": vendor.secret_key,
            "coupang_base_url": sandbox.base_url,
            "coupang_market": market,
            "fetch_first_days": first_days,
        }
    )
    account.action_test_connection()
    if account.state != "connected":
        raise RuntimeError(f"the account did not connect to the sandbox: {account.connection_message}")
    by_code = {location.code: location.id for location in account.location_ids}
    seven, family = sandbox.return_center_codes()[:2]
    account.write(
        {
            "return_center_seven_eleven_id": by_code[seven],
            "return_center_familymart_id": by_code[family],
            "outbound_place_home_id": by_code[sandbox.outbound_place_codes()[0]],
            "fetch_slot_ids": [(0, 0, {"time": fetch_time})],
            "fetch_orders": True,
        }
    )
    schedule = account.fetch_slot_ids.schedule_id
    if not schedule:
        raise RuntimeError(f"the account is not on a fetch schedule: {account.fetch_status}")
    return account, schedule


def stop_fetching(env, account):
    account.write({"fetch_orders": False, "fetch_slot_ids": [(5, 0, 0)]})


# === what the flows do === #


def account_orders(account):
    return account.env["sale.order"].search([("ec_account_id", "=", account.id)], order="id")


def ship_orders(orders, chunk=100):
    """Validates the deliveries of ``orders`` as the warehouse does, each with its own tracking number,
    ``chunk`` pickings per validation (each committed); returns the pickings."""
    the_carrier = carrier(orders.env)
    pickings = orders.picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))
    for start in range(0, len(pickings), chunk):
        batch = pickings[start : start + chunk]
        for picking in batch:
            picking.write({"carrier_id": the_carrier.id, "carrier_tracking_ref": tracking_number(picking)})
        batch.move_ids.picked = True
        result = batch.button_validate()
        if result is not True:
            raise RuntimeError(f"validating the deliveries asked for a wizard: {result}")
        orders.env.cr.commit()
    return pickings


def tracking_number(picking):
    return f"TW{picking.sale_id.coupang_shipment_box_id}"


def run_push_cron(env):
    """The push scheduled action, as a user's Run Manually does."""
    env.ref(PUSH_CRON_XMLID).method_direct_trigger()


# === what the sandbox saw === #


def count_box_successes(sandbox):
    """Counts, per shipment box, the acknowledgements and invoices the sandbox applied successfully."""
    counts = {"acknowledge": Counter(), "invoice": Counter()}
    store = sandbox.store
    acknowledge_one, apply_invoice = store._acknowledge_one, store._apply_invoice

    def counted(kind, function):
        def call(box_id, *args):
            result = function(box_id, *args)
            if result["succeed"]:
                counts[kind][str(box_id)] += 1
            return result

        return call

    store._acknowledge_one = counted("acknowledge", acknowledge_one)
    store._apply_invoice = counted("invoice", apply_invoice)
    return counts


class RequestCounter:
    """Stands in for the sandbox's request log: counts the requests per endpoint and keeps none of
    them, so that a long run does not fill the measured process's memory with the log."""

    def __init__(self):
        self.counts = Counter()

    def append(self, request):
        self.counts[request.endpoint or "other"] += 1

    def clear(self):
        self.counts.clear()

    def __iter__(self):
        return iter(())


def count_requests(sandbox):
    """The sandbox's requests by endpoint from now on (its request log stays empty)."""
    sandbox._requests = RequestCounter()
    return sandbox._requests.counts


# === measuring === #


def rss_kib():
    return _proc_status_kib("VmRSS")


def _proc_status_kib(key):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


@contextmanager
def measured(postmaster_pid=None, server_pids=(), sandbox=None):
    """Wall time, CPU time and peak resident memory of the block (``seconds``, ``cpu_seconds``,
    ``peak_kib``, ``hwm_kib``, ``load``).

    ``cpu_seconds`` is this process's CPU time (all its threads) plus, with ``postmaster_pid``, the
    CPU time of the PostgreSQL server's processes, and that of the Odoo servers ``server_pids`` and
    their workers: unlike the wall time, it does not grow when other work shares the machine. The
    in-process ``sandbox`` stands for Coupang's servers: the CPU time it spent answering is not
    counted there but in ``sandbox_cpu_seconds``.

    The peak is the process's high-water mark of resident memory (VmHWM), reset when the block
    starts (``/proc/self/clear_refs``), less the resident memory at that moment: what the block
    added at its peak, whoever allocated it in this process. ``hwm_kib`` is that high-water mark
    itself: the whole process's resident memory at its peak during the block.
    """
    result = {}
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
    start_rss = rss_kib()
    start_load = os.getloadavg()[0]
    roots = [pid for pid in (postmaster_pid, *server_pids) if pid]
    start_cpu = time.process_time() + sum(tree_cpu_seconds(pid) for pid in roots)
    start_sandbox_cpu = sandbox.cpu_seconds if sandbox else 0.0
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - start
        end_cpu = time.process_time() + sum(tree_cpu_seconds(pid) for pid in roots)
        result["sandbox_cpu_seconds"] = (sandbox.cpu_seconds if sandbox else 0.0) - start_sandbox_cpu
        result["cpu_seconds"] = end_cpu - start_cpu - result["sandbox_cpu_seconds"]
        result["hwm_kib"] = _proc_status_kib("VmHWM")
        result["peak_kib"] = max(0, result["hwm_kib"] - start_rss)
        result["load"] = max(start_load, os.getloadavg()[0])


def box_counts(env, account_id):
    """How many sale orders each Coupang shipment box of the account has."""
    env.cr.execute(
        "SELECT coupang_shipment_box_id, count(*) FROM sale_order WHERE ec_account_id = %s GROUP BY 1", [account_id]
    )
    return Counter(dict(env.cr.fetchall()))
