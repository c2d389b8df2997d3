import json
import logging
from contextlib import contextmanager
from datetime import timezone
from decimal import Decimal

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..coupang import MARKET_CURRENCIES, CoupangError, UnreadableOrderSheet, read_order_sheet

_logger = logging.getLogger(__name__)

STORE_CHAINS = {"seven_eleven": "7-ELEVEN", "familymart": "FamilyMart"}
MARKET_COUNTRIES = {"TW": "base.tw", "KR": "base.kr"}


class EcOrderImport(models.Model):
    """A Coupang shipment box that did not become a sale order (yet), with Coupang's data.

    The import of every box goes through this model's methods; a record only exists for the
    boxes that were held or failed, so nothing is lost and the user can retry them.
    """

    _name = "ec.order.import"
    _description = "Coupang Order to Review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "ordered_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    coupang_order_id = fields.Char(string="Coupang Order ID", readonly=True)
    shipment_box_id = fields.Char(string="Coupang Shipment Box ID", required=True, readonly=True)
    ordered_at = fields.Datetime(string="Ordered On", readonly=True)
    coupang_status = fields.Char(readonly=True)
    state = fields.Selection(
        selection=[("held", "Held"), ("failed", "Failed"), ("done", "Imported")],
        string="Status",
        required=True,
        readonly=True,
        tracking=True,
    )
    reason = fields.Text(readonly=True, help="Why the order was not imported, and what to do.")
    payload = fields.Text(string="Coupang Data", readonly=True, help="The order sheet as Coupang sent it (JSON).")
    sale_order_id = fields.Many2one("sale.order", readonly=True, ondelete="set null", index="btree_not_null")
    fetch_log_id = fields.Many2one("ec.fetch.log", string="Last Fetch", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("shipment_box_unique", "UNIQUE(account_id, shipment_box_id)", "A Coupang shipment box is kept once."),
    ]

    @api.depends("coupang_order_id", "shipment_box_id")
    def _compute_name(self):
        for record in self:
            record.name = self.env._(
                "Coupang order %(order)s (box %(box)s)", order=record.coupang_order_id, box=record.shipment_box_id
            )

    # === ACTION METHODS === #

    def action_retry(self):
        """Imports the order again from its stored Coupang data, e.g. after a product was mapped."""
        self.check_access("write")
        for record in self.filtered(lambda record: record.state != "done"):
            account = record.account_id._as_importer()
            self.with_env(account.env)._import_sheets(account, record._order_sheets(), self.env["ec.fetch.log"], None)
        if len(self) != 1:
            return True
        if self.state == "done":
            return self.action_view_sale_order()
        kind = "warning" if self.state == "held" else "danger"
        return self.account_id._notification(self.env._("Order Not Imported"), self.reason, kind)

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    # === BUSINESS METHODS: IMPORT PIPELINE === #

    @api.model
    def _import_sheets(self, account, sheets, log, client, auto_commit=False):
        """Imports a page of order sheets of ``account``, each box exactly once.

        New boxes (ACCEPT) are acknowledged together, then read again, since the buyer may have
        changed the address until then. Each box is imported in its own savepoint (and committed
        on its own under the cron): one bad order never stops the others.

        :param log: the ``ec.fetch.log`` counting the outcomes (may be empty)
        :param client: the account's Coupang client, or None to open one when needed
        """
        ready = [
            sheet
            for sheet in sheets
            if self._run_step(account, sheet, log, lambda sheet=sheet: self._triage(account, sheet, log), auto_commit)
        ]
        new = [sheet for sheet in ready if sheet.status == "ACCEPT"]
        refusals = {}
        if new:
            client = client or account._coupang_client()
            refusals = self._acknowledge(client, [sheet.shipment_box_id for sheet in new])
        for sheet in ready:
            refusal = refusals.get(sheet.shipment_box_id)
            self._run_step(
                account,
                sheet,
                log,
                lambda sheet=sheet, refusal=refusal: self._import_sheet(account, sheet, log, client, refusal),
                auto_commit,
            )

    @api.model
    def _run_step(self, account, sheet, log, step, auto_commit):
        """Runs ``step`` for one box in a savepoint and returns its result; when it fails, the box
        is kept as failed, with Coupang's data and the reason, and the others go on."""
        try:
            with self._order_savepoint(auto_commit):
                return step()
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.constraint_name != "sale_order_ec_shipment_box_unique":
                raise
            # Another fetch created this box's sale order at the same moment.
            with self._order_savepoint(auto_commit):
                log._count("count_existing")
        except psycopg2.OperationalError:
            raise  # serialization failure or lock: the run stops and its watermark stays
        except Exception as error:  # noqa: BLE001 - any bad order is kept for review, never lost
            _logger.warning(
                "Coupang box %s of EC account %s not imported: %s",
                sheet.shipment_box_id,
                account.id,
                error_text(error),
                exc_info=not isinstance(error, UserError | CoupangError),
            )
            with self._order_savepoint(auto_commit):
                self._keep(account, sheet, "failed", error_text(error), log)
        return False

    @contextmanager
    def _order_savepoint(self, auto_commit):
        with self.env.cr.savepoint():
            yield
        self._commit(auto_commit)

    def _commit(self, auto_commit):
        if auto_commit:
            # Under the cron, each order is committed on its own: Coupang already knows an
            # acknowledged box, and a later crash or timeout of the run must not undo its order.
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _triage(self, account, sheet, log):
        """Settles the boxes that need no import; returns True for those to import now."""
        order = account._find_sale_order(sheet.shipment_box_id)
        unreadable = isinstance(sheet, UnreadableOrderSheet)
        if order:
            log._count("count_existing")
            if not unreadable and order._ec_apply_coupang_sheet(sheet):
                log._count("count_canceled")
            return False
        if unreadable:
            raise UserError(sheet.reason)  # kept as failed, with the row as Coupang sent it
        if is_fully_canceled(sheet):
            self._find(account, sheet.shipment_box_id)._resolve_canceled()
            return False
        reason = self._hold_reason(account, sheet)
        if reason:
            self._keep(account, sheet, "held", reason, log)
            return False
        return True

    @api.model
    def _acknowledge(self, client, box_ids):
        """Acknowledges the boxes (ACCEPT -> INSTRUCT); returns {shipmentBoxId: why not} for the
        boxes Coupang did not confirm. Boxes of a batch lost in an error count as not confirmed:
        the next fetch reads them again, as INSTRUCT if the acknowledgement went through."""
        try:
            results = client.acknowledge(box_ids)
            unconfirmed = None
        except CoupangError as error:
            results = error.partial_results
            unconfirmed = str(error)
        answers = {result.shipment_box_id: acknowledgement_error(result) for result in results}
        return {box_id: answers.get(box_id, unconfirmed) for box_id in box_ids if answers.get(box_id, unconfirmed)}

    @api.model
    def _import_sheet(self, account, sheet, log, client, refusal):
        if sheet.status == "ACCEPT":
            try:
                sheet = client.get_order_sheet(sheet.shipment_box_id)
            except CoupangError as error:
                raise UserError(self.env._("Reading the order again from Coupang failed: %s", error)) from error
        if is_fully_canceled(sheet):
            self._find(account, sheet.shipment_box_id)._resolve_canceled()
            return
        if refusal and sheet.status != "INSTRUCT":
            raise UserError(self.env._("Coupang did not take the order into preparation: %s", refusal))
        order = self._create_sale_order(account, sheet)
        log._count("count_created")
        self._find(account, sheet.shipment_box_id)._resolve(self.env._("Imported."), order)

    @api.model
    def _keep(self, account, sheet, state, reason, log):
        """Stores (or updates) the box with its data and why it was not imported; tells the user."""
        values = {
            "state": state,
            "reason": reason,
            "payload": json.dumps(sheet.raw, ensure_ascii=False, indent=1, default=str),
            "coupang_order_id": sheet.order_id,
            "coupang_status": sheet.status,
            "ordered_at": sheet.ordered_at and to_naive_utc(sheet.ordered_at),
            "fetch_log_id": log.id,
        }
        record = self._find(account, sheet.shipment_box_id)
        if record:
            record.write(values)
        else:
            record = self.create(dict(values, account_id=account.id, shipment_box_id=sheet.shipment_box_id))
        log._count("count_held" if state == "held" else "count_failed")
        record._ask_for_review()
        return record

    def _ask_for_review(self):
        self.ensure_one()
        user = self.account_id.user_id or self.account_id.create_uid
        todo = self.env.ref("mail.mail_activity_data_todo")
        if self.activity_ids.filtered(lambda activity: activity.activity_type_id == todo):
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._("Coupang order not imported"),
            note=self.reason,
        )

    def _resolve(self, reason, order=None):
        """Marks a stored box as settled (imported, or nothing to import) and closes its activity."""
        if not self:
            return
        self.write({"state": "done", "reason": reason, "sale_order_id": order and order.id})
        self.activity_ids.action_feedback(feedback=reason)

    def _resolve_canceled(self):
        self._resolve(self.env._("Canceled on Coupang before it was imported; nothing to ship."))

    def _order_sheets(self):
        """The stored Coupang order sheets, as the client reads them (unreadable ones stay unreadable)."""
        return [
            read_order_sheet(json.loads(record.payload), MARKET_CURRENCIES[record.account_id.coupang_market])
            for record in self
        ]

    @api.model
    def _find(self, account, shipment_box_id):
        return self.search([("account_id", "=", account.id), ("shipment_box_id", "=", shipment_box_id)], limit=1)

    # === BUSINESS METHODS: CHECKS === #

    @api.model
    def _hold_reason(self, account, sheet):
        """What the user must set before this order can be imported, or an empty string."""
        reasons = []
        delivery_problem = account._delivery_problem(sheet.delivery.kind)
        if delivery_problem:
            reasons.append(delivery_problem)
        unknown, ambiguous = self._unmatched_items(account, sheet)
        if unknown:
            self._add_mapping_stubs(account, unknown)
            reasons.append(
                self.env._(
                    "No product for the Coupang items %s. Give the product the item's SKU as internal "
                    "reference, or map the item in Product Mappings, then retry.",
                    ", ".join(describe_item(item) for item in unknown),
                )
            )
        for item, count in ambiguous:
            reasons.append(
                self.env._(
                    "%(count)s products have the internal reference %(sku)s; map the Coupang item %(item)s to "
                    "one of them in Product Mappings, then retry.",
                    count=count,
                    sku=item.external_vendor_sku_code,
                    item=item.vendor_item_id,
                )
            )
        return "\n".join(reasons)

    @api.model
    def _unmatched_items(self, account, sheet):
        unknown, ambiguous = [], []
        for item in items_to_ship(sheet):
            products = self._find_products(account, item)
            if not products:
                unknown.append(item)
            elif len(products) > 1:
                ambiguous.append((item, len(products)))
        return unknown, ambiguous

    @api.model
    def _find_products(self, account, item):
        """The product(s) of a Coupang item: its mapping on the account, else its seller SKU as
        internal reference within the account's company. More than one is for the user to settle."""
        mapping = self.env["ec.product.mapping"].search(
            [("account_id", "=", account.id), ("vendor_item_id", "=", item.vendor_item_id)], limit=1
        )
        if mapping.product_id:
            return mapping.product_id
        if not item.external_vendor_sku_code:
            return self.env["product.product"]
        Product = self.env["product.product"]
        return Product.search(
            [("default_code", "=", item.external_vendor_sku_code), *Product._check_company_domain(account.company_id)]
        )

    @api.model
    def _add_mapping_stubs(self, account, items):
        """Lists the unknown items in Product Mappings, so the user only has to choose the product."""
        Mapping = self.env["ec.product.mapping"]
        for item in items:
            if not Mapping.search_count(
                [("account_id", "=", account.id), ("vendor_item_id", "=", item.vendor_item_id)], limit=1
            ):
                Mapping.create(
                    {
                        "account_id": account.id,
                        "vendor_item_id": item.vendor_item_id,
                        "vendor_item_name": item.vendor_item_name,
                        "seller_sku": item.external_vendor_sku_code or False,
                    }
                )

    # === BUSINESS METHODS: SALE ORDER === #

    @api.model
    def _create_sale_order(self, account, sheet):
        """The confirmed sale order (and its delivery) of one Coupang shipment box."""
        customer, shipping = self._find_or_create_partners(account, sheet)
        values = self._prepare_sale_order_values(account, sheet, customer, shipping)
        order = self.env["sale.order"].with_context(mail_create_nosubscribe=True).create(values)
        self._check_total(order, sheet)
        order.action_confirm()
        # Confirming dates the order now; it keeps the date the buyer ordered on Coupang.
        order.date_order = values["date_order"]
        return order

    @api.model
    def _prepare_sale_order_values(self, account, sheet, customer, shipping):
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
            "coupang_order_id": sheet.order_id,
            "coupang_shipment_box_id": sheet.shipment_box_id,
            "coupang_status": sheet.status,
            "ec_delivery_kind": delivery.kind,
            "ec_store_code": delivery.store_id or False,
            "ec_store_name": delivery.store_name or False,
            "ec_location_id": account._delivery_location(delivery.kind).id,
            "order_line": [Command.create(line) for line in self._prepare_order_lines(account, sheet)],
        }

    @api.model
    def _prepare_order_lines(self, account, sheet):
        """Product lines at Coupang's prices, then discount and shipping lines, so the order's
        total is what the buyer paid Coupang. Amounts include tax (the account's tax, if any)."""
        taxes = [Command.set(account.order_tax_id.ids)]
        lines = []
        discount_labels = self._discount_labels()
        discounts = dict.fromkeys(discount_labels, Decimal(0))
        for item in items_to_ship(sheet):
            share = Decimal(item.quantity_to_ship) / Decimal(item.shipping_count)
            lines.append(
                {
                    "product_id": self._find_products(account, item).id,
                    "product_uom_qty": item.quantity_to_ship,
                    "price_unit": float(item.order_price.amount / item.shipping_count),
                    "discount": 0.0,
                    "tax_id": taxes,
                    "coupang_vendor_item_id": item.vendor_item_id,
                }
            )
            for field_name in discounts:
                discounts[field_name] += getattr(item, field_name).amount * share
        discount_product = "ec_coupang.product_coupang_discount"
        for field_name, label in discount_labels.items():
            if discounts[field_name]:
                lines.append(self._service_line(discount_product, label, -discounts[field_name], taxes))
        fees = [(self.env._("Coupang shipping fee"), sheet.shipping_price)]
        if sheet.remote_price:
            fees.append((self.env._("Coupang remote area fee"), sheet.remote_price))
        for label, money in fees:
            if money.amount:
                lines.append(self._service_line("ec_coupang.product_coupang_shipping_fee", label, money.amount, taxes))
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

    @api.model
    def _check_total(self, order, sheet):
        """The order's total must be what the buyer paid Coupang, to the cent."""
        expected = coupang_total(sheet)
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
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        if not currency:
            raise UserError(self.env._("The currency %s of the Coupang order does not exist in Odoo.", code))
        if not currency.active:
            currency.active = True
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

    @api.model
    def _find_or_create_partners(self, account, sheet):
        """(customer, delivery address). Existing contacts are reused only when identical and
        never changed, so older orders keep their addresses. Coupang masks names and gives relay
        phone numbers, so most buyers get a new contact."""
        Partner = self.env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
        country = self.env.ref(MARKET_COUNTRIES[account.coupang_market])
        customer_values = {
            "name": sheet.orderer.name or sheet.receiver.name or self.env._("Coupang buyer"),
            "phone": sheet.orderer.safe_number or False,
            "country_id": country.id,
            "company_id": account.company_id.id,
        }
        customer = self._find_or_create_partner(Partner, customer_values, [("parent_id", "=", False)])
        shipping_values = {
            "type": "delivery",
            "parent_id": customer.id,
            "name": sheet.receiver.name or customer.name,
            "phone": sheet.receiver.safe_number or False,
            **self._prepare_delivery_address(sheet),
            "country_id": country.id,
            "company_id": account.company_id.id,
        }
        return customer, self._find_or_create_partner(Partner, shipping_values)

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


def items_to_ship(sheet):
    return [item for item in sheet.items if item.quantity_to_ship]


def is_fully_canceled(sheet):
    """Coupang canceled (or is canceling) every item: nothing of the box is to be shipped."""
    return not items_to_ship(sheet)


def coupang_total(sheet):
    """What the buyer pays Coupang for the box: items less discounts, plus shipping fees."""
    total = Decimal(0)
    for item in items_to_ship(sheet):
        share = Decimal(item.quantity_to_ship) / Decimal(item.shipping_count)
        total += (item.order_price.amount - item.discount_price.amount) * share
    total += sheet.shipping_price.amount + (sheet.remote_price.amount if sheet.remote_price else 0)
    return total


def describe_item(item):
    label = item.vendor_item_name or item.vendor_item_id
    sku = f", SKU {item.external_vendor_sku_code}" if item.external_vendor_sku_code else ""
    return f"{label} ({item.vendor_item_id}{sku})"


def acknowledgement_error(result):
    if result is None or result.succeed:
        return None
    return f"{result.message} ({result.result_code})" if result.result_code else result.message


def to_naive_utc(moment):
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def error_text(error):
    """A clear message for the user, without traceback; Coupang's errors never hold secrets."""
    if isinstance(error, UserError | CoupangError):
        return str(error.args[0] if isinstance(error, UserError) else error)
    if isinstance(error, psycopg2.Error):
        return f"Database error: {error.pgerror or error}"
    return f"{type(error).__name__}: {error}"
