"""Shared base of the tracking push tests: shipped Coupang orders against the sandbox.

The order fetching creates these sale orders in production; here they are made directly, with the
matching order sheet added to the sandbox in status INSTRUCT.
"""

from coupang_sandbox import SKU_CATALOGUE
from odoo import Command
from odoo.tests import Form

from .common import EcCoupangCase

CATALOGUE = {item.sku: item for item in SKU_CATALOGUE}
TEA, GREEN_TEA, TEAPOT = "CP-TEA-001", "CP-TEA-002", "CP-POT-001"


class PushCase(EcCoupangCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.push_cron = cls.env.ref("ec_coupang.ir_cron_ec_push_tracking")
        cls.buyer = cls.env["res.partner"].create({"name": "王*明"})
        cls.products, cls.delivery_company, cls.carrier = cls.create_catalogue(cls.env)

    @staticmethod
    def create_catalogue(env, delivery_company_code="KERRYTJ"):
        """Storable products for the sandbox's SKUs, in stock, and a carrier with its Coupang code."""
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        products = {}
        for sku in (TEA, GREEN_TEA, TEAPOT):
            product = env["product.product"].create(
                {"name": CATALOGUE[sku].name_zh, "default_code": sku, "is_storable": True}
            )
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
            products[sku] = product
        # Coupang publishes no Taiwan code: the user enters the one Coupang gave.
        delivery_company = env["ec.delivery.company"].create(
            {"market": "TW", "code": delivery_company_code, "name": "嘉里大榮"}
        )
        return products, delivery_company, PushCase.create_carrier(env, "Kerry TJ", delivery_company)

    @staticmethod
    def create_carrier(env, name, delivery_company):
        return env["delivery.carrier"].create(
            {
                "name": name,
                "product_id": env["product.product"].create({"name": f"{name} shipping", "type": "service"}).id,
                "ec_delivery_company_id": delivery_company.id,
            }
        )

    def create_committed_account(self, env, market="TW"):
        """An account of the sandbox's demo vendor in ``env``, for tests on committed data."""
        vendor = self.sandbox.demo_vendor
        return env["ec.account"].create(
            {
                "name": f"Coupang {market} (committed)",
                "merchant_id": env["res.partner"].create({"name": "Committed merchant"}).id,
                "coupang_vendor_id": vendor.vendor_id,
                "coupang_access_key": vendor.access_key,
                "coupang_secret_key": vendor.secret_key,
                "coupang_base_url": self.sandbox.base_url,
                "coupang_market": market,
            }
        )

    def create_coupang_order(self, items, env=None, account=None, products=None, **sheet_values):
        """A confirmed sale order of a Coupang box, and the box's order sheet in the sandbox (INSTRUCT),
        in the account's market.

        :param items: ``[(sku, quantity)]``
        """
        env = env or self.env
        products = products or self.products
        account = account or self.account
        sheet = self.sandbox.add_order(account.coupang_market, status="INSTRUCT", items=items)
        for name, value in sheet_values.items():
            setattr(sheet, name, value)
        order = env["sale.order"].create(
            {
                "partner_id": env["res.partner"].create({"name": sheet.receiver["name"]}).id,
                "ec_account_id": account.id,
                "ec_store_key": account._coupang_store_key(),
                "coupang_order_id": str(sheet.order_id),
                "coupang_shipment_box_id": str(sheet.shipment_box_id),
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[sku].id,
                            "product_uom_qty": quantity,
                            "coupang_vendor_item_id": str(CATALOGUE[sku].vendor_item_id),
                        }
                    )
                    for sku, quantity in items
                ],
            }
        )
        order.action_confirm()
        return order

    def ship(self, picking, tracking_ref, carrier=None, quantities=None, backorder=True):
        """Validates the delivery as the warehouse does; ``quantities`` ``{sku: quantity}`` ships part."""
        picking.write({"carrier_id": (carrier or self.carrier).id, "carrier_tracking_ref": tracking_ref})
        if quantities is not None:
            for move in picking.move_ids:
                move.quantity = quantities.get(move.product_id.default_code, 0)
            picking.move_ids.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form(picking.env[result["res_model"]].with_context(**result["context"])).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        return picking

    def run_push_cron(self):
        self.push_cron.method_direct_trigger()

    def invoice_calls(self):
        """The uploads and updates of invoices the sandbox received."""
        return self.sandbox.requests_to("upload_invoices") + self.sandbox.requests_to("update_invoices")

    def invoice_dtos(self, endpoint="upload_invoices"):
        """The invoice lines the sandbox received, one list per call."""
        return [request.json["orderSheetInvoiceApplyDtos"] for request in self.sandbox.requests_to(endpoint)]

    @staticmethod
    def vendor_item(sku):
        return CATALOGUE[sku].vendor_item_id
