from odoo import fields, models


class EcProductMapping(models.Model):
    _name = "ec.product.mapping"
    _description = "EC Product Mapping"
    _check_company_auto = True
    _order = "account_id, product_id, vendor_item_id"
    _rec_name = "vendor_item_id"
    _rec_names_search = ["vendor_item_id", "vendor_item_name", "seller_sku"]

    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    vendor_item_id = fields.Char(
        string="Coupang Vendor Item ID", required=True, help="The Coupang option ID (vendorItemId) of the item."
    )
    vendor_item_name = fields.Char(string="Coupang Item Name", help="As Coupang names it on the orders.")
    seller_sku = fields.Char(
        string="Seller SKU on Coupang", help="The seller SKU (externalVendorSkuCode) Coupang sends with the item."
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        ondelete="restrict",
        help="The product this Coupang item is shipped as. Without one, orders of the item are held.",
    )

    _sql_constraints = [
        (
            "vendor_item_unique",
            "UNIQUE(account_id, vendor_item_id)",
            "A Coupang vendor item is mapped once per account.",
        ),
    ]
