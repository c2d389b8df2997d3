from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import float_compare

from ..const import DELIVERY_NOTES
from ..tools.coupang_errors import MessageError, message
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
        return self._create_sale_orders(account, [(sheet, products)])

    @api.model
    def _create_sale_orders(self, account, ready):
        """The confirmed sale orders of a page of boxes, in the order of ``ready``
        (``[(sheet, products)]``): the partners looked up together, the orders created with one
        ``create`` and confirmed together. Each order's values come from the per-order hooks."""
        partners = self._find_or_create_page_partners(account, [sheet for sheet, _products in ready])
        pricelists = {}
        values = [
            self._prepare_sale_order_values(account, sheet, customer, shipping, products, pricelists)
            for (sheet, products), (customer, shipping) in zip(ready, partners, strict=True)
        ]
        orders = self.env["sale.order"].with_context(mail_create_nosubscribe=True).create(values)
        for order, (sheet, _products) in zip(orders, ready, strict=True):
            self._check_total(order, sheet)
        self._subscribe_customers(orders)
        notes = {"created": [], "origins": []}
        orders.with_context(**{DELIVERY_NOTES: notes}).action_confirm()
        self.env["stock.picking"]._log_delivery_notes(notes)
        # Confirming dates the orders now; each keeps the date the buyer ordered on Coupang.
        for order, order_values in zip(orders, values, strict=True):
            order.date_order = order_values["date_order"]
        return orders

    @api.model
    def _subscribe_customers(self, orders):
        """Makes each order's customer a follower of it, as Odoo's confirmation does, with the same
        subtypes, but with one insert for the page: the confirmation inserts them one order at a
        time, and then finds them subscribed."""
        Followers = self.env["mail.followers"]
        unsubscribed = orders.filtered(lambda order: order.partner_id not in order.message_partner_ids)
        customer_ids = unsubscribed.partner_id.filtered("partner_share").ids
        values = []
        for order in unsubscribed:
            new, _update = Followers._add_default_followers(
                order._name, order.ids, order.partner_id.ids, customer_ids=customer_ids, check_existing=False
            )
            values += [dict(follower, res_id=order.id) for follower in new[order.id]]
        Followers.sudo().with_context(default_partner_id=False).create(values)

    @api.model
    def _find_page_products(self, account, items):
        """{(vendor item id, seller SKU): the product(s)} of the items of a page: the item's mapping
        on the account, else its seller SKU as internal reference within the account's company.
        More than one is for the user to settle. One query for the mappings, one for the SKUs.
        Keyed by both, so that a sheet with a wrong SKU never changes the products of another."""
        item_ids = list({item.vendor_item_id for item in items})
        mappings = self.env["ec.product.mapping"].search(
            [("account_id", "=", account.id), ("vendor_item_id", "in", item_ids), ("product_id", "!=", False)]
        )
        mapped = {mapping.vendor_item_id: mapping.product_id for mapping in mappings}
        Product = self.env["product.product"]
        skus = {item.external_vendor_sku_code for item in items if item.vendor_item_id not in mapped}
        skus.discard(None)
        skus.discard("")
        by_sku = defaultdict(lambda: Product)
        if skus:
            domain = [("default_code", "in", list(skus)), *Product._check_company_domain(account.company_id)]
            for product in Product.search(domain):
                by_sku[product.default_code] |= product
        return {
            product_key(item): mapped.get(item.vendor_item_id) or by_sku[item.external_vendor_sku_code]
            for item in items
        }

    # === THE ORDER === #

    @api.model
    def _prepare_sale_order_values(self, account, sheet, customer, shipping, products, pricelists=None):
        """:param pricelists: {currency code: pricelist} of the page, filled as its orders need them"""
        delivery = sheet.delivery
        pricelists = {} if pricelists is None else pricelists
        if sheet.currency not in pricelists:
            pricelists[sheet.currency] = self._find_or_create_pricelist(account, self._find_currency(sheet.currency))
        return {
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": shipping.id,
            "company_id": account.company_id.id,
            "team_id": account.team_id.id,
            "user_id": account.user_id.id,
            "pricelist_id": pricelists[sheet.currency].id,
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
            raise MessageError(
                self.env,
                "total_differs",
                total=order.amount_total,
                expected=str(expected),
                currency=order.currency_id.name,
                rounding=order.currency_id.rounding,
            )

    @api.model
    def _find_currency(self, code):
        """The order's currency, which must exist and be active."""
        currency, problem = self._currency_of(code)
        if problem:
            raise MessageError(self.env, problem["code"], **problem["params"])
        return currency

    @api.model
    def _currency_of(self, code):
        """(currency, problem): the currency named ``code``, active or not, and why an order cannot be
        in it (a message, False when it can). The import never activates a currency."""
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        if not currency:
            return currency, message("currency_missing", currency=code)
        if not currency.active:
            return currency, message("currency_inactive", currency=code)
        return currency, False

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
        product = self._record_of(product_xmlid)
        if not product:
            raise MessageError(self.env, "service_product_deleted", product=name)
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
    def _find_or_create_page_partners(self, account, sheets):
        """[(customer, delivery address)] of each sheet. Existing contacts are reused only when
        identical and never changed, so older orders keep their addresses. Coupang masks names and
        gives relay phone numbers, so most buyers get a new contact. One search and at most one
        ``create`` for the customers of the page, the same for the delivery addresses."""
        Partner = self.env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
        customer_values = [self._prepare_customer_values(account, sheet) for sheet in sheets]
        customers = self._find_or_create_partner_list(Partner, customer_values, [("parent_id", "=", False)])
        shipping_values = [
            self._prepare_shipping_partner_values(account, sheet, customer)
            for sheet, customer in zip(sheets, customers, strict=True)
        ]
        return list(zip(customers, self._find_or_create_partner_list(Partner, shipping_values), strict=True))

    @api.model
    def _find_or_create_partner_list(self, Partner, values_list, extra_domain=()):
        """One partner for each values: an existing one with exactly those values, else a new one
        (identical values of the page share it). One search, each field among the page's values;
        the exact matches are then sorted out by their values."""
        found = {}
        candidates = defaultdict(set)
        for values in values_list:
            for name, value in values.items():
                candidates[name].add(value)
        domain = [(name, "in", list(values)) for name, values in candidates.items()]
        for partner in Partner.search([*domain, *extra_domain]):
            found.setdefault(partner_key(partner, values_list[0]), partner)
        missing = {}
        for values in values_list:
            key = values_key(values)
            if key not in found:
                missing.setdefault(key, values)
        if missing:
            # Copies: create() adds keys to the values it is given.
            created = Partner.create([dict(values) for values in missing.values()])
            found.update(zip(missing, created, strict=True))
        return [found[values_key(values)] for values in values_list]

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
        return self._record_of(f"base.{account._coupang_market().country.lower()}")

    @api.model
    def _record_of(self, xmlid):
        """The record of ``xmlid`` (None when there is none), as ``env.ref`` finds it but without
        its query checking that the record exists, for each line and partner of a page: deleting a
        record deletes its external ID."""
        model, res_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(xmlid)
        return self.env[model].browse(res_id) if res_id else None

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


def values_key(values):
    """The partner values as a key: equal keys, equal contacts."""
    return tuple(sorted((name, repr(value)) for name, value in values.items()))


def partner_key(partner, values):
    """The key of an existing partner over the fields of ``values``, as it would write them."""
    return values_key({name: partner._fields[name].convert_to_write(partner[name], partner) for name in values})


def product_key(item):
    """The key of an item's products in :meth:`EcCoupangOrderMapper._find_page_products`."""
    return item.vendor_item_id, item.external_vendor_sku_code
