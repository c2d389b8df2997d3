import logging

from odoo import api, fields, models

from ..tools.coupang_run import CoupangRun

_logger = logging.getLogger(__name__)

# The held orders the newly mapped items retry, at most, per run of the scheduled action: the others
# wait for the next fetch (which reads held boxes again) or the user's Retry.
RETRY_HELD_LIMIT = 50


class EcProductMapping(models.Model):
    _name = "ec.product.mapping"
    _description = "EC Product Mapping"
    _check_company_auto = True
    _order = "account_id, product_id, vendor_item_id"
    _rec_name = "vendor_item_id"
    _rec_names_search = ["vendor_item_id", "vendor_item_name", "seller_sku", "barcode", "seller_product_name"]

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    vendor_item_id = fields.Char(
        string="Coupang Vendor Item ID", required=True, help="The Coupang option ID (vendorItemId) of the item."
    )
    vendor_item_name = fields.Char(string="Coupang Item Name", help="As Coupang names it on the orders.")
    seller_sku = fields.Char(
        string="Seller SKU on Coupang", help="The seller SKU (externalVendorSkuCode) Coupang sends with the item."
    )
    seller_product_id = fields.Char(
        string="Coupang Seller Product ID", help="The Coupang product (sellerProductId) the item is an option of."
    )
    seller_product_name = fields.Char(string="Coupang Product Name")
    item_options = fields.Char(string="Options", help="The item's option values on Coupang, e.g. size and color.")
    barcode = fields.Char(string="Barcode on Coupang")
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        ondelete="restrict",
        index="btree_not_null",  # each stock change looks its product up (ec.stock.change._mark_products)
        help="The product this Coupang item is shipped as. Without one, orders of the item are held.",
    )
    state = fields.Selection(
        selection=[("to_map", "To Map"), ("matched", "Matched")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    held_retry_due = fields.Boolean(
        readonly=True, copy=False, help="Mapped since the last retry of the orders held for the item."
    )
    match_method = fields.Selection(
        selection=[("reference", "Internal Reference"), ("barcode", "Barcode"), ("manual", "By Hand")],
        string="Matched By",
        readonly=True,
        copy=False,
    )
    suggested_product_id = fields.Many2one(
        "product.product",
        string="Suggestion",
        check_company=True,
        ondelete="set null",
        readonly=True,
        help="The product that seems closest when the seller SKU and the barcode matched none or several: "
        "choose it (or another) as the product.",
    )

    _sql_constraints = [
        (
            "vendor_item_unique",
            "UNIQUE(account_id, vendor_item_id)",
            "A Coupang vendor item is mapped once per account.",
        ),
    ]

    @api.depends("product_id")
    def _compute_state(self):
        for mapping in self:
            mapping.state = "matched" if mapping.product_id else "to_map"

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("product_id") and not vals.get("match_method"):
                vals["match_method"] = "manual"
        mappings = super().create(vals_list)
        mappings.filtered("product_id")._retry_held_orders_soon()
        self.env["ec.stock.change"].sudo()._mark_products(set(mappings.product_id.ids))
        return mappings

    def write(self, vals):
        if "vendor_item_id" in vals:
            # Coupang was never told this item's stock: sent even if the value is the same.
            self.env["ec.stock.change"].sudo()._mark_products(set(self.product_id.ids), force=True)
        if "product_id" not in vals:
            return super().write(vals)
        if vals["product_id"] and "match_method" not in vals:
            vals = dict(vals, match_method="manual")
        if not vals["product_id"]:
            vals = dict(vals, match_method=False)
        newly_mapped = self.filtered(lambda mapping: not mapping.product_id)
        result = super().write(vals)
        newly_mapped.filtered("product_id")._retry_held_orders_soon()
        self.env["ec.stock.change"].sudo()._mark_products(set(self.product_id.ids))
        return result

    # === BUSINESS METHODS === #

    def _retry_held_orders_soon(self):
        """Marks these items for the scheduled action that imports again the orders held for them,
        and starts it at once: the user maps the item and the orders follow, without a Retry and
        without waiting for their imports."""
        if not self:
            return
        self.write({"held_retry_due": True})
        self.env.ref("ec_coupang.ir_cron_ec_retry_held_orders").sudo()._trigger()

    @api.model
    def _cron_retry_held_orders(self):
        """Scheduled action: imports again the orders held for the items mapped since its last run
        (``_retry_held_orders``); the items are done with once their orders were tried."""
        mappings = self.search([("held_retry_due", "=", True)])
        items = {(mapping.account_id.id, mapping.vendor_item_id) for mapping in mappings}
        mappings.write({"held_retry_due": False})
        if CoupangRun.may_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return self._retry_held_orders(items)

    @api.model
    def _retry_held_orders(self, items):
        """Imports again the held orders waiting for ``items`` ({(account id, vendor item id)}), at
        most ``RETRY_HELD_LIMIT``, each on its own: one that fails again stays held with its reason
        and never stops the others."""
        Review = self.env["ec.order.import"].sudo()
        accounts = self.env["ec.account"].sudo().browse({account_id for account_id, _item in items}).exists()
        retried = 0
        for account in accounts:
            item_ids = {item for account_id, item in items if account_id == account.id}
            for record in Review._held_for_items(account, item_ids, RETRY_HELD_LIMIT - retried):
                retried += 1
                try:
                    record._import_again_alone()
                except Exception:
                    _logger.exception("Held Coupang order %s could not be imported again", record.shipment_box_id)
                if CoupangRun.may_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return retried
