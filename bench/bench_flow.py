"""Measures the whole flow at several sizes and prints it as tables; ``bench/run`` starts it.

For each size N, these measurements, each in a process of its own (so that one's memory does not
hide the other's peak), against the same N new Taiwan orders of 1-3 items (same seed and time:
same buyers, products, prices):

- import: a sandbox in the process holds the orders; the fetch schedule's cron method reads them
  through the real client over HTTP into confirmed sale orders, committing page by page as
  under the scheduler;
- open orders: right after the import, the next fetch of the account, with the N orders (paid in the
  6 hours before the run) still open on Coupang and no new order (for the first size only);
- push: every delivery of those orders is validated with a tracking number, then the push
  scheduled action runs (a sandbox on the same port, with the orders in preparation as the import
  left them);
- floor: the same orders created and confirmed straight through the ORM in batches of 50, as the
  import creates a page (the partners of a batch in one ``create``, its sale orders in one, one
  confirmation, one commit): what Odoo itself costs, the import's baseline; measured in two halves,
  the first right before the import, the second right after it, so that a machine whose speed
  drifts during the run weighs on the floor as on the import;
- baseline: the same orders through the ORM one by one, one commit per order, beside it.

Usage: bench_flow.py --conf odoo.conf --db DB [--sizes 400,2000] [--postmaster-pid PID]
Exit status: non-zero only when a measurement fails (an error or a wrong result), never for slowness.
"""

import argparse
import json
import math
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

from coupang_sandbox import CoupangSandbox
from testbed import harness

PAGE_SIZE = 50  # Coupang's largest page of order sheets (lookup-order-list-per-day)
BATCH_SIZE = 50  # Coupang's largest acknowledgement and invoice batches
CALLS_PER_PAGE = 3  # per 50 new boxes: an ACCEPT page, an acknowledgement, an INSTRUCT page
RATE_LIMIT = 10  # calls per second per vendor above which the sandbox answers 429, as Coupang documents
# Minutes before the run in which the orders were paid: more than the next fetch's 30 minutes of overlap.
ORDERED_MINUTES_BEFORE = (45, 6 * 60)
REQUEST_LISTS = ("return_requests",)  # the lists of stop-shipment requests, cancellations and returns
DISCOUNT_FIELDS = ("instant_coupon_discount", "downloadable_coupon_discount", "coupang_discount")
STORE_CHAINS = {"seven_eleven": "7-ELEVEN", "familymart": "FamilyMart"}
# The one-by-one baseline is measured beside the floor up to this size: above, it would take about as long
# as all the other measurements of the size together, and tell nothing the smaller size does not.
ONE_BY_ONE_MAX = 2000
NOT_MEASURED = "-"
PHASES = ("prepare", "import", "open", "push", "floor", "baseline")
MEASUREMENTS = {  # the measurements' results by name, as the memory tables name them
    "floor": "ORM floor (batches of 50)",
    "baseline": "ORM one by one",
    "import": "import",
    "open": "next fetch, open orders",
    "validate": "validation",
    "push": "push",
}
IMPORT_HEADERS = ("N", "lines", "floor wall", "1by1 wall", "import wall", "/floor", "/1by1",
                  "floor cpu", "1by1 cpu", "import cpu", "/floor", "/1by1", "sandbox cpu", "ms/order",
                  "load")  # fmt: skip
REQUESTS_HEADERS = ("N", "list pages", "acks", "box reads", "other", "request lists", "total", "minimum", "ratio",
                    "per order", "429")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sizes", default="400,2000")
    parser.add_argument("--postmaster-pid", type=int, help="count the CPU time of this PostgreSQL server too")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--anchor", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--account", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--half", type=int, choices=(1, 2), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.phase:
        return run_all(args)
    args.anchor = datetime.fromisoformat(args.anchor)
    registry = harness.open_registry(args.conf, args.db)
    print(json.dumps(globals()[f"measure_{args.phase}"](registry, args)))
    return 0


# === the parent: one process per measurement, then the table === #


def run_all(args):
    sizes = [int(size) for size in args.sizes.split(",")]
    anchor = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    common = [sys.executable, "-m", "bench.bench_flow", "--conf", args.conf, "--db", args.db, "--anchor", anchor]
    if args.postmaster_pid:
        common += ["--postmaster-pid", str(args.postmaster_pid)]
    run_phase(common, "prepare")
    results = {}
    for size in sizes:
        port = free_port()
        print(
            f"N={size}: floor, first half (the orders straight through the ORM, {BATCH_SIZE} at a time) ...", flush=True
        )
        first = run_phase(common, "floor", "--size", str(size), "--half", "1")
        print(f"N={size}: import (fetch over HTTP) ...", flush=True)
        imported = run_phase(common, "import", "--size", str(size), "--port", str(port))
        print(f"N={size}: floor, second half ...", flush=True)
        second = run_phase(common, "floor", "--size", str(size), "--half", "2")
        if size == sizes[0]:
            print(f"N={size}: the next fetch, {size} open orders and no new one ...", flush=True)
            account = ("--account", str(imported["account"]))
            imported.update(run_phase(common, "open", "--size", str(size), "--port", str(port), *account))
        print(f"N={size}: push (validate the deliveries, push the tracking numbers) ...", flush=True)
        pushed = run_phase(
            common, "push", "--size", str(size), "--port", str(port), "--account", str(imported["account"])
        )
        halves = (first["floor"], second["floor"])
        results[size] = {**imported, **pushed, "floor": joined(*halves), "floor_halves": halves}
        if size <= ONE_BY_ONE_MAX:
            print(f"N={size}: baseline (the same orders straight through the ORM, one by one) ...", flush=True)
            results[size].update(run_phase(common, "baseline", "--size", str(size)))
    print_report(sizes, results)
    return 0


def joined(first, second):
    """The measurement of two halves of a run: times added, peaks and load the higher."""
    added = ("seconds", "cpu_seconds", "sandbox_cpu_seconds", "orders")
    return {key: first[key] + second[key] if key in added else max(first[key], second[key]) for key in first}


def free_port():
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_phase(common, phase, *extra):
    completed = subprocess.run([*common, "--phase", phase, *extra], stdout=subprocess.PIPE, text=True)
    if completed.returncode:
        raise SystemExit(f"the {phase} measurement {' '.join(extra)} failed (exit {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# === the measurements, each in its own process === #


def measure_prepare(registry, _args):
    with harness.environment(registry) as env:
        harness.prepare_database(env)
    return {}


def new_sandbox(args):
    sandbox = CoupangSandbox(
        seed=args.size, tw_orders=0, kr_orders=0, now=args.anchor, port=args.port or 0, rate_limit=RATE_LIMIT
    )
    orders = sandbox.generate_orders(args.size, "TW")
    spread_over_the_last_hours(orders, args)
    return sandbox, orders


def spread_over_the_last_hours(orders, args):
    """Orders paid in the hours before the run, as a busy day's open orders are: the next fetch's
    window (since the import, less 30 minutes) holds none of them, the market days it touches do."""
    rng = random.Random(args.size)
    for order in orders:
        before = timedelta(minutes=rng.randint(*ORDERED_MINUTES_BEFORE))
        order.ordered_at = (args.anchor - before).astimezone(order.ordered_at.tzinfo)
        order.paid_at = order.ordered_at + timedelta(seconds=30)


def measure_import(registry, args):
    sandbox, orders = new_sandbox(args)
    requests = harness.count_requests(sandbox)
    with sandbox:
        with harness.environment(registry) as env:
            account, schedule = harness.create_account(env, sandbox, f"Benchmark {args.size} {args.anchor:%H%M%S}")
            account_id, schedule_id = account.id, schedule.id
        requests.clear()
        with harness.measured(args.postmaster_pid, sandbox=sandbox) as result, harness.environment(registry) as env:
            env["ec.fetch.schedule"]._cron_fetch_orders(schedule_id)
        result["requests"] = dict(requests)
        result["rate_limited"] = sandbox.rate_limited_count
        with harness.environment(registry) as env:
            account = env["ec.account"].browse(account_id)
            check_import(account, harness.account_orders(account), orders)
            harness.stop_fetching(env, account)
    return {"import": result, "account": account_id, "lines": sum(len(order.lines) for order in orders)}


def measure_open(registry, args):
    """The account's next fetch (as its cron runs it) while Coupang still has the N orders to ship."""
    sandbox, requests = imported_sandbox(args)
    with sandbox:
        with harness.measured(args.postmaster_pid, sandbox=sandbox) as result, harness.environment(registry) as env:
            account = env["ec.account"].browse(args.account)
            from odoo.addons.ec_coupang.tools.coupang_run import CoupangRun  # noqa: PLC0415 - needs Odoo's addons path

            log = env["ec.coupang.importer"]._fetch_orders(CoupangRun.for_cron(account))
            if log.state != "done" or log.count_created:
                raise RuntimeError(f"the fetch of open orders: {log.state}, {log.summary}")
        result["requests"] = dict(requests)
        result["rate_limited"] = sandbox.rate_limited_count
    return {"open": result}


def imported_sandbox(args):
    """(a sandbox holding the N orders in preparation, as the import left them, its request counts)."""
    sandbox, orders = new_sandbox(args)
    for order in orders:
        order.status = "INSTRUCT"
    return sandbox, harness.count_requests(sandbox)


def measure_push(registry, args):
    sandbox, requests = imported_sandbox(args)
    with sandbox:
        with harness.measured(args.postmaster_pid) as validate, harness.environment(registry) as env:
            pickings = harness.ship_orders(harness.account_orders(env["ec.account"].browse(args.account)))
            picking_ids = pickings.ids
        with harness.measured(args.postmaster_pid, sandbox=sandbox) as push, harness.environment(registry) as env:
            harness.run_push_cron(env)
        push["requests"] = dict(requests)
        push["rate_limited"] = sandbox.rate_limited_count
        with harness.environment(registry) as env:
            check_push(env["stock.picking"].browse(picking_ids), sandbox)
    return {"validate": validate, "push": push}


def check_import(account, imported, orders):
    expected = {str(order.shipment_box_id) for order in orders}
    boxes = imported.mapped("coupang_shipment_box_id")
    if len(boxes) != len(expected) or set(boxes) != expected:
        raise RuntimeError(f"{len(boxes)} sale orders for {len(expected)} Coupang orders: {account.last_fetch_summary}")
    if set(imported.mapped("state")) != {"sale"}:
        raise RuntimeError("some imported orders are not confirmed")


def check_push(pickings, sandbox):
    states = set(pickings.mapped("ec_push_state"))
    if states != {"done"}:
        raise RuntimeError(f"tracking push states after the push: {states}")
    for picking in pickings:
        if sandbox.order(picking.sale_id.coupang_shipment_box_id).invoice_number != harness.tracking_number(picking):
            raise RuntimeError(f"Coupang lacks the tracking number of {picking.name}")


def measure_floor(registry, args):
    """The floor: the orders through the ORM in batches of a page, as the import creates them; with
    ``--half``, the first or the second half of them."""
    return {"floor": create_through_orm(registry, args, BATCH_SIZE)}


def measure_baseline(registry, args):
    """The orders through the ORM one by one, one commit each."""
    return {"baseline": create_through_orm(registry, args, 1)}


def create_through_orm(registry, args, batch_size):
    _sandbox, orders = new_sandbox(args)
    if args.half:
        middle = BATCH_SIZE * math.ceil(len(orders) / BATCH_SIZE / 2)
        orders = orders[:middle] if args.half == 1 else orders[middle:]
    with harness.environment(registry) as env:
        context = baseline_context(env)
    sale_ids = []
    with harness.measured(args.postmaster_pid) as result, harness.environment(registry) as env:
        for start in range(0, len(orders), batch_size):
            sale_ids += create_confirmed_orders(env, context, orders[start : start + batch_size]).ids
            env.cr.commit()
    result["orders"] = len(orders)
    if args.half == 1:
        # The import, which follows, reuses identical contacts: it must find none of these.
        with harness.environment(registry) as env:
            sales = env["sale.order"].browse(sale_ids)
            (sales.partner_id | sales.partner_shipping_id).action_archive()
    return result


def baseline_context(env):
    """What every order refers to, found once: products by SKU, the TWD pricelist, team, country."""
    products = {product.default_code: product.id for product in env["product.product"].search([])}
    currency = env["res.currency"].with_context(active_test=False).search([("name", "=", "TWD")])
    currency.active = True
    pricelist = env["product.pricelist"].search([("currency_id", "=", currency.id)], limit=1) or env[
        "product.pricelist"
    ].create({"name": "Baseline TWD", "currency_id": currency.id})
    return {
        "products": products,
        "discount": env.ref("ec_coupang.product_coupang_discount").id,
        "shipping": env.ref("ec_coupang.product_coupang_shipping_fee").id,
        "pricelist": pricelist.id,
        "team": env["crm.team"].search([], limit=1).id,
        "country": env.ref("base.tw").id,
        "company": env.company.id,
    }


def create_confirmed_orders(env, context, orders):
    """Sandbox orders as confirmed sale orders, the same partners and lines an import makes: the
    buyers with their delivery addresses in one ``create``, the sale orders in one, one confirmation."""
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    customers = Partner.create([customer_values(context, order) for order in orders])
    sales = (
        env["sale.order"]
        .with_context(mail_create_nosubscribe=True)
        .create(
            [
                sale_values(context, order, customer, customer.child_ids)
                for order, customer in zip(orders, customers, strict=True)
            ]
        )
    )
    sales.action_confirm()
    return sales


def customer_values(context, order):
    orderer, receiver = order.orderer, order.receiver
    shipping = {
        "type": "delivery",
        "name": receiver["name"],
        "phone": receiver["safeNumber"],
        "street": street(receiver),
        "street2": receiver["addr2"],
        "zip": receiver["postCode"],
        "country_id": context["country"],
        "company_id": context["company"],
    }
    return {
        "name": orderer["name"],
        "phone": orderer["safeNumber"],
        "country_id": context["country"],
        "company_id": context["company"],
        "child_ids": [(0, 0, shipping)],
    }


def sale_values(context, order, customer, shipping):
    return {
        "partner_id": customer.id,
        "partner_invoice_id": customer.id,
        "partner_shipping_id": shipping.id,
        "company_id": context["company"],
        "team_id": context["team"],
        "pricelist_id": context["pricelist"],
        "date_order": order.ordered_at.astimezone(timezone.utc).replace(tzinfo=None),
        "origin": f"Coupang {order.order_id}",
        "client_order_ref": str(order.order_id),
        "require_signature": False,
        "require_payment": False,
        "order_line": [(0, 0, line) for line in order_lines(context, order)],
    }


def street(receiver):
    """The street an import gives the delivery address: for store pickup, the chain, store and store ID."""
    from odoo.addons.ec_coupang.coupang import delivery_from_receiver  # noqa: PLC0415 - needs Odoo's addons path

    delivery = delivery_from_receiver(SimpleNamespace(addr1=receiver["addr1"]))
    if delivery.kind not in STORE_CHAINS:
        return receiver["addr1"]
    name = " ".join(filter(None, (STORE_CHAINS[delivery.kind], delivery.store_name)))
    return f"{name} #{delivery.store_id}" if delivery.store_id else name


def order_lines(context, order):
    lines = [
        {
            "product_id": context["products"][line.external_vendor_sku_code],
            "product_uom_qty": line.shipping_count,
            "price_unit": float(line.sales_price),
            "tax_id": [(6, 0, [])],
        }
        for line in order.lines
    ]
    for field_name in DISCOUNT_FIELDS:
        amount = sum((getattr(line, field_name) for line in order.lines), Decimal(0))
        if amount:
            lines.append(service_line(context["discount"], field_name, -amount))
    if order.shipping_price:
        lines.append(service_line(context["shipping"], "Coupang shipping fee", order.shipping_price))
    return lines


def service_line(product_id, name, amount):
    return {
        "product_id": product_id,
        "name": name,
        "product_uom_qty": 1,
        "price_unit": float(amount),
        "tax_id": [(6, 0, [])],
    }


# === the report === #


def minimum_import_requests(size):
    """Per 50 new boxes, an ACCEPT page, an acknowledgement and an INSTRUCT page (its sheets are the
    fresh ones Coupang asks to read after acknowledging); the request lists are apart."""
    return CALLS_PER_PAGE * math.ceil(max(size, 1) / PAGE_SIZE)


def import_requests_row(size, requests, rate_limited):
    """(N, list pages, acknowledgements, box reads, other, request lists' pages, total, minimum,
    ratio, per order, 429s): the ratio leaves the request lists out, as the minimum does."""
    lists, acks, reads = (requests.get(name, 0) for name in ("order_sheets", "acknowledge", "order_sheet"))
    request_lists = sum(requests.get(name, 0) for name in REQUEST_LISTS)
    total, minimum = sum(requests.values()), minimum_import_requests(size)
    other = total - lists - acks - reads - request_lists
    return (size, lists, acks, reads, other, request_lists, total, minimum, (total - request_lists) / minimum,
            total / size, rate_limited)  # fmt: skip


def print_report(sizes, results):
    rows = []
    for size in sizes:
        floor, fetch = results[size]["floor"], results[size]["import"]
        base = results[size].get("baseline") or {"seconds": NOT_MEASURED, "cpu_seconds": NOT_MEASURED, "load": 0}

        def against(key, baseline=base, fetch=fetch):
            return NOT_MEASURED if baseline[key] == NOT_MEASURED else fetch[key] / baseline[key]

        rows.append(
            (size, results[size]["lines"],
             floor["seconds"], base["seconds"], fetch["seconds"],
             fetch["seconds"] / floor["seconds"], against("seconds"),
             floor["cpu_seconds"], base["cpu_seconds"], fetch["cpu_seconds"],
             fetch["cpu_seconds"] / floor["cpu_seconds"], against("cpu_seconds"), fetch["sandbox_cpu_seconds"],
             1000 * fetch["seconds"] / size, max(floor["load"], base["load"], fetch["load"]))
        )  # fmt: skip
    print_table(
        f"Import: N Coupang orders into confirmed sale orders, against the same orders straight through the ORM:\n"
        f"  floor: in batches of {BATCH_SIZE} (one create of the partners, one of the sale orders, one confirmation,\n"
        f"  one commit per batch, as the import does a page), the baseline; 1by1: one order and one commit at a time\n"
        f"  (up to N = {ONE_BY_ONE_MAX}: '-' above)\n"
        f"  wall: seconds; cpu: CPU seconds of the Odoo process and of PostgreSQL (not the in-process sandbox's:\n"
        f"  it stands for Coupang's servers; its CPU seconds during the import in 'sandbox cpu');\n"
        f"  /floor, /1by1: the import's against each; load: highest 1-minute load average",
        IMPORT_HEADERS,
        rows,
    )
    print_table(
        "The floor's halves, the first measured right before the import, the second right after it: CPU ms per\n"
        "  order of each (how the machine's speed drifted while the import ran)",
        ("N", "first half", "second half", "second / first"),
        [floor_halves_row(size, results[size]["floor_halves"]) for size in sizes],
    )
    print_table(
        f"HTTP requests of the import; minimum = 3*ceil(N/50): per 50 new boxes an ACCEPT page, an acknowledgement\n"
        f"  and an INSTRUCT page; request lists: the pages of the stop-shipment, cancellation and return lists,\n"
        f"  apart; ratio = (total - request lists) / minimum; 429: the sandbox's answers above {RATE_LIMIT} calls/s",
        REQUESTS_HEADERS,
        [
            import_requests_row(size, results[size]["import"]["requests"], results[size]["import"]["rate_limited"])
            for size in sizes
        ],
    )
    print_open_fetch(sizes, results)
    rows = []
    for size in sizes:
        validate, push = results[size]["validate"], results[size]["push"]
        uploads = push["requests"].get("upload_invoices", 0)
        total, minimum = sum(push["requests"].values()), math.ceil(size / BATCH_SIZE)
        rows.append(
            (size, validate["seconds"], validate["cpu_seconds"], push["seconds"], push["cpu_seconds"],
             1000 * push["seconds"] / size, uploads, total - uploads, minimum, total / minimum)
        )  # fmt: skip
    print_table(
        "Push: N deliveries validated with a tracking number (100 per validation), then the push scheduled action;\n"
        "  minimum requests = ceil(N/50) invoice uploads (batches of 50 boxes)",
        ("N", "validate wall", "cpu", "push wall", "cpu", "ms/box", "uploads", "other", "minimum", "ratio"),
        rows,
    )
    print_memory(sizes, results)


def floor_halves_row(size, halves):
    first, second = (1000 * half["cpu_seconds"] / half["orders"] for half in halves)
    return (size, first, second, second / first)


def print_memory(sizes, results):
    def mib(result, key):
        return result[key] / 1024

    print_table(
        "Memory of each measurement (MiB), each in a process of its own: added: the resident memory it added at\n"
        "  its peak (VmHWM less VmRSS when it started); resident: the process's resident memory at its peak (VmHWM)",
        ("N", "measurement", "added", "resident"),
        [
            (size, label, mib(results[size][name], "peak_kib"), mib(results[size][name], "hwm_kib"))
            for size in sizes
            for name, label in MEASUREMENTS.items()
            if name in results[size]
        ],
    )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print_table(
            f"Memory as N grows: resident memory (MiB) added at the peak at N = {small} and N = {large}",
            ("measurement", f"N={small}", f"N={large}", "ratio"),
            [
                (
                    MEASUREMENTS[name],
                    mib(results[small][name], "peak_kib"),
                    mib(results[large][name], "peak_kib"),
                    mib(results[large][name], "peak_kib") / max(mib(results[small][name], "peak_kib"), 0.1),
                )
                for name in ("import", "floor", "baseline", "validate", "push")
                if name in results[small] and name in results[large]
            ],
        )


def print_open_fetch(sizes, results):
    size = sizes[0]
    fetch = results[size]["open"]
    requests = fetch["requests"]
    reads, lists, total = requests.get("order_sheet", 0), requests.get("order_sheets", 0), sum(requests.values())
    request_lists = sum(requests.get(name, 0) for name in REQUEST_LISTS)
    row = (size, fetch["seconds"], fetch["cpu_seconds"], lists, reads, total - lists - reads - request_lists,
           request_lists, total, fetch["rate_limited"])  # fmt: skip
    print_table(
        f"The next fetch with {size} open orders on Coupang and no new order",
        ("open orders", "wall", "cpu", "list pages", "box reads", "other", "request lists", "total", "429"),
        [row],
    )


def print_table(title, headers, rows):
    """Prints a title, then the rows under their headers: whole numbers as they are, others to 0.01
    when below 10 (ratios), else to 0.1."""

    def cell(value):
        if isinstance(value, str | int):
            return str(value)
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"

    cells = [[cell(value) for value in row] for row in rows]
    widths = [max(len(header), *(len(row[index]) for row in cells)) for index, header in enumerate(headers)]
    print()
    print(title)
    for row in (headers, *cells):
        print("  ".join(value.rjust(width) for value, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
