from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..const import MARKET_COUNTRIES
from ..tools.dates import to_naive_utc

STORE_CHAINS = {"seven_eleven": "7-ELEVEN", "familymart": "FamilyMart"}


class EcCoupangOrderMapper(models.AbstractModel):
    """A Coupang order sheet as a confirmed sale order of the account.

    Each part of the order has a small ``_prepare_*`` hook, so that an integrator changes one of
    them (a field of the order, of a line, the partners) without copying the rest.
    """

    _name = "ec.coupang.order.mapper"
    _description = "Coupang Order Mapper"

    @api.model
    def _create_sale_order(self, account, sheet, products):
        """The confirmed sale order (and its delivery) of one Coupang shipment box.

        :param products: {vendor item id: product} for the sheet's items to ship
        """
        customer, shipping = self._find_or_create_partners(account, sheet)
        values = self._prepare_sale_order_values(account, sheet, customer, shipping, products)
        order = self.env["sale.order"].with_context(mail_create_nosubscribe=True).create(values)
        self._check_total(order, sheet)
        order.action_confirm()
        # Confirming dates the order now; it keeps the date the buyer ordered on Coupang.
        order.date_order = values["date_order"]
        return order

    @api.model
    def _find_products(self, account, item):
        """The product(s) of a Coupang item: its mapping on the account, else its seller SKU as
        internal reference within the account's company. More than one is for the user to settle."""
        mapping = self.env["ec.product.mapping"].search(
            [("account_id", "=", account.id), ("vendor_item_id", "=", item.vendor_item_id)], limit=1
        )
        if mapping.product_id:
            return mapping.product_id
        Product = self.env["product.product"]
        if not item.external_vendor_sku_code:
            return Product
        return Product.search(
            [("default_code", "=", item.external_vendor_sku_code), *Product._check_company_domain(account.company_id)]
        )

    # === THE ORDER === #

    @api.model
    def _prepare_sale_order_values(self, account, sheet, customer, shipping, products):
        delivery = sheet.delivery
        currency = self._find_currency(sheet.currency)
        return {
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": shipping.id,
            "company_id": account.company_id.id,
            "team_id": account.team_id.id,
            "user_id": account.user_id.id,
            "pricelist_id": self._find_or_create_pricelist(account, currency).id,
            "date_order": to_naive_utc(sheet.ordered_at) if sheet.ordered_at else fields.Datetime.now(),
            "origin": self.env._("Coupang %s", sheet.order_id),
            "client_order_ref": sheet.order_id,
            "require_signature": False,
            "require_payment": False,
            "ec_account_id": account.id,
            "ec_store_key": account._coupang_store_key(),
            "coupang_order_id": sheet.order_id,
            "coupang_shipment_box_id": sheet.shipment_box_id,
            "coupang_status": sheet.status,
            "ec_delivery_kind": delivery.kind,
            "ec_store_code": delivery.store_id or False,
            "ec_store_name": delivery.store_name or False,
            "ec_location_id": account._delivery_location(delivery.kind).id,
            "order_line": [Command.create(line) for line in self._prepare_order_lines(account, sheet, products)],
            **self._prepare_buyer_requests(sheet),
        }

    @api.model
    def _prepare_buyer_requests(self, sheet):
        """What the buyer asked for beyond the goods: cash on delivery, the parcel message, the
        Taiwan e-invoice."""
        receipt = sheet.tax_receipt
        return {
            "coupang_is_cod": sheet.is_cod,
            "coupang_cod_amount": float(sheet.coupang_total) if sheet.is_cod else 0.0,
            "coupang_parcel_message": sheet.parcel_print_message or False,
            "coupang_receipt_option": self._known_choice("coupang_receipt_option", receipt and receipt.option),
            "coupang_receipt_type": self._known_choice("coupang_receipt_type", receipt and receipt.applied_type),
            "coupang_receipt_value": receipt.applied_value if receipt else False,
        }

    @api.model
    def _known_choice(self, field_name, value):
        """Coupang's value when the order's field knows it, else none: a value Coupang adds later
        never stops an import (the order keeps the raw value of the carrier number)."""
        selection = self.env["sale.order"]._fields[field_name].get_values(self.env)
        return value if value in selection else False

    @api.model
    def _check_total(self, order, sheet):
        """The order's total must be what the buyer paid Coupang, to the cent."""
        expected = sheet.coupang_total
        if float_compare(order.amount_total, float(expected), precision_digits=2):
            raise UserError(
                self.env._(
                    "The order's total %(total)s differs from Coupang's %(expected)s %(currency)s. Check the tax "
                    "on the account and the rounding of the currency %(currency)s (%(rounding)s).",
                    total=order.amount_total,
                    expected=expected,
                    currency=order.currency_id.name,
                    rounding=order.currency_id.rounding,
                )
            )

    @api.model
    def _find_currency(self, code):
        """The order's currency, which must be active: the import never activates one."""
        currency = self.env["res.currency"].search([("name", "=", code)], limit=1)
        if not currency:
            raise UserError(self.env._("The currency %s of the Coupang order is not active in Odoo.", code))
        return currency

    @api.model
    def _find_or_create_pricelist(self, account, currency):
        """A pricelist in the order's currency. Prices come from Coupang, so one without rules."""
        Pricelist = self.env["product.pricelist"]
        pricelist = Pricelist.search(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "in", (account.company_id.id, False)),
                ("item_ids", "=", False),
            ],
            limit=1,
        )
        return pricelist or Pricelist.create(
            {"name": f"Coupang {currency.name}", "currency_id": currency.id, "company_id": account.company_id.id}
        )

    # === THE LINES === #

    @api.model
    def _prepare_order_lines(self, account, sheet, products):
        """Product lines at Coupang's prices, then discount and shipping lines, so the order's
        total is what the buyer paid Coupang. Amounts include tax (the account's tax, if any)."""
        taxes = [Command.set(account.order_tax_id.ids)]
        return [
            *(
                self._prepare_order_line_values(account, sheet, item, taxes, products[item.vendor_item_id])
                for item in sheet.items_to_ship
            ),
            *self._prepare_discount_lines(account, sheet, taxes),
            *self._prepare_shipping_lines(account, sheet, taxes),
        ]

    @api.model
    def _prepare_order_line_values(self, account, sheet, item, taxes, product):
        """The line of one Coupang item, at its price per unit (Coupang's orderPrice is for the
        whole shippingCount)."""
        return {
            "product_id": product.id,
            "product_uom_qty": item.quantity_to_ship,
            "price_unit": float(item.order_price.amount / item.shipping_count),
            "discount": 0.0,
            "tax_id": taxes,
            "coupang_vendor_item_id": item.vendor_item_id,
        }

    @api.model
    def _prepare_discount_lines(self, account, sheet, taxes):
        """One line per kind of Coupang discount, summed over the items to ship."""
        lines = []
        for field_name, label in self._discount_labels().items():
            amount = sum(getattr(item, field_name).amount * item.share_to_ship for item in sheet.items_to_ship)
            if amount:
                lines.append(self._service_line("ec_coupang.product_coupang_discount", label, -amount, taxes))
        return lines

    @api.model
    def _discount_labels(self):
        """The label of the discount line for each of Coupang's discount fields of an item."""
        return {
            "instant_coupon_discount": self.env._("Coupang instant coupon"),
            "downloadable_coupon_discount": self.env._("Coupang download coupon"),
            "coupang_discount": self.env._("Coupang discount (funded by Coupang)"),
        }

    @api.model
    def _prepare_shipping_lines(self, account, sheet, taxes):
        """The shipping fee and, where Coupang charged one, the remote area fee."""
        fees = [(self.env._("Coupang shipping fee"), sheet.shipping_price)]
        if sheet.remote_price:
            fees.append((self.env._("Coupang remote area fee"), sheet.remote_price))
        return [
            self._service_line("ec_coupang.product_coupang_shipping_fee", label, money.amount, taxes)
            for label, money in fees
            if money.amount
        ]

    @api.model
    def _service_line(self, product_xmlid, name, amount, taxes):
        product = self.env.ref(product_xmlid, raise_if_not_found=False)
        if not product:
            raise UserError(
                self.env._("The product %s that Coupang orders use was deleted. Upgrade the Coupang module.", name)
            )
        return {
            "product_id": product.id,
            "name": name,
            "product_uom_qty": 1,
            "price_unit": float(amount),
            "discount": 0.0,
            "tax_id": taxes,
        }

    # === THE PARTNERS === #

    @api.model
    def _find_or_create_partners(self, account, sheet):
        """(customer, delivery address). Existing contacts are reused only when identical and
        never changed, so older orders keep their addresses. Coupang masks names and gives relay
        phone numbers, so most buyers get a new contact."""
        Partner = self.env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
        customer_values = self._prepare_customer_values(account, sheet)
        customer = self._find_or_create_partner(Partner, customer_values, [("parent_id", "=", False)])
        shipping_values = self._prepare_shipping_partner_values(account, sheet, customer)
        return customer, self._find_or_create_partner(Partner, shipping_values)

    @api.model
    def _prepare_customer_values(self, account, sheet):
        return {
            "name": sheet.orderer.name or sheet.receiver.name or self.env._("Coupang buyer"),
            "phone": sheet.orderer.safe_number or False,
            "country_id": self._market_country(account).id,
            "company_id": account.company_id.id,
        }

    @api.model
    def _prepare_shipping_partner_values(self, account, sheet, customer):
        return {
            "type": "delivery",
            "parent_id": customer.id,
            "name": sheet.receiver.name or customer.name,
            "phone": sheet.receiver.safe_number or False,
            **self._prepare_delivery_address(sheet),
            "country_id": self._market_country(account).id,
            "company_id": account.company_id.id,
        }

    @api.model
    def _market_country(self, account):
        return self.env.ref(MARKET_COUNTRIES[account.coupang_market])

    @api.model
    def _find_or_create_partner(self, Partner, values, extra_domain=()):
        domain = [(name, "=", value) for name, value in values.items()]
        return Partner.search([*domain, *extra_domain], limit=1) or Partner.create(values)

    @api.model
    def _prepare_delivery_address(self, sheet):
        """Street lines of the delivery address; for store pickup, the chain, store and store ID."""
        receiver = sheet.receiver
        delivery = sheet.delivery
        street = receiver.addr1
        if delivery.kind in STORE_CHAINS:
            street = " ".join(filter(None, (STORE_CHAINS[delivery.kind], delivery.store_name)))
            if delivery.store_id:
                street = f"{street} #{delivery.store_id}"
        return {"street": street or False, "street2": receiver.addr2 or False, "zip": receiver.post_code or False}
