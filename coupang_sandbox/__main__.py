"""Runs the sandbox for a demo: ``python -m coupang_sandbox --port 8765 --seed 42``."""

import argparse
import threading

from .data import SKU_CATALOGUE
from .server import CoupangSandbox


def demo_sandbox(args):
    """The demo's sandbox, not started: seeded orders, buyers asking to stop part of a box, and
    buyers' inquiries: per order a question on the product and a call to Coupang's call center
    that the agent hands to the seller for an answer."""
    sandbox = CoupangSandbox(seed=args.seed, port=args.port, tw_orders=args.tw_orders, kr_orders=args.kr_orders)
    tea = SKU_CATALOGUE[0]
    for _ in range(args.stop_requests):
        # One of two units: the rest of the box is still to ship, so the demo imports it.
        order = sandbox.add_order("TW", status="INSTRUCT", items=[(tea.sku, 2)])
        sandbox.buyer_cancel(order.shipment_box_id, {order.lines[0].vendor_item_id: 1})
    for order in sandbox.orders(market="TW")[: args.inquiries]:
        sandbox.ask_about(order.shipment_box_id, "請問這款茶葉的保存期限是多久?")
        sandbox.call_center_inquiry(order.shipment_box_id, "買家詢問出貨時間, 請回覆預計出貨日。")
    return sandbox


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coupang_sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo orders")
    parser.add_argument("--tw-orders", type=int, default=24, help="Taiwan demo orders")
    parser.add_argument("--kr-orders", type=int, default=6, help="Korean demo orders")
    parser.add_argument(
        "--stop-requests",
        type=int,
        default=2,
        help="more Taiwan orders, already being prepared (INSTRUCT), whose buyer asks to stop one of their two units",
    )
    parser.add_argument(
        "--inquiries",
        type=int,
        default=2,
        help="Taiwan orders whose buyer asks a question on the product and calls Coupang's call center",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    sandbox = demo_sandbox(args)
    sandbox.start()
    print(f"Coupang sandbox on {sandbox.base_url}  (Ctrl-C stops it)")
    for title, vendor in (("Demo vendor", sandbox.demo_vendor), ("Second vendor, no orders", sandbox.second_vendor)):
        print(f"{title} (fake credentials, valid on this sandbox only):")
        print(f"  Vendor ID:  {vendor.vendor_id}")
        print(f"  Access Key: {vendor.access_key}")
        print(f"  Secret Key: {vendor.secret_key}")
        print(f"  Wing login ID (the seller's cancel): {vendor.wing_user_id}")
    print(f"  Orders: {len(sandbox.orders(market='TW'))} Taiwan, {len(sandbox.orders(market='KR'))} Korea", flush=True)
    print(f"  Stop-shipment requests of buyers: {args.stop_requests}", flush=True)
    print(
        f"  Products: {len(sandbox.catalog.products)}; buyers' inquiries: {len(sandbox.inquiries.inquiries)}",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
