import json

from odoo import api, fields, models
from odoo.osv import expression

from ..coupang import CoupangError, OrderSheet, read_order_sheet
from ..tools.coupang_errors import coupang_status_label, message, message_text_fields, message_values
from ..tools.coupang_run import CoupangRun
from ..tools.dates import to_naive_utc
from ..tools.notifications import ask_responsible, close_activities, display_notification


class EcOrderImport(models.Model):
    """A Coupang shipment box that did not become a sale order (yet), with Coupang's data.

    The importer (``ec.coupang.importer``) keeps here the boxes it held or that failed, so nothing
    is lost and the user can retry them.
    """

    _name = "ec.order.import"
    _description = "Coupang Order to Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "ec.bulk.retry.mixin"]
    _order = "ordered_at desc, id desc"
    _bulk_retry_open_states = ("held", "failed")

    name = fields.Char(compute="_compute_name", search="_search_name")
    account_id = fields.Many2one("ec.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    coupang_order_id = fields.Char(string="Coupang Order ID", readonly=True)
    ec_store_key = fields.Char(
        string="Coupang Store",
        readonly=True,
        index=True,
        help="The Coupang store (market and Vendor ID) the box belongs to, as it was when the box was read.",
    )
    shipment_box_id = fields.Char(string="Coupang Shipment Box ID", required=True, readonly=True)
    ordered_at = fields.Datetime(string="Ordered On", readonly=True)
    coupang_status = fields.Char(readonly=True)
    coupang_status_label = fields.Char(
        string="Status on Coupang", compute="_compute_coupang_status_label", help="Coupang's status, in words."
    )
    state = fields.Selection(
        selection=[("held", "Held"), ("failed", "Failed"), ("done", "Imported")],
        string="Status",
        required=True,
        readonly=True,
        tracking=True,
    )
    reason, reason_code, reason_params, reason_text = message_text_fields(
        "reason", help="Why the order was not imported, and what to do."
    )
    # The buyer's name, phone and address: a manager's (see ec.account's buyer_data_days).
    payload = fields.Text(
        string="Coupang Data",
        readonly=True,
        groups="ec_coupang.group_ec_manager",
        help="The order sheet as Coupang sent it (JSON).",
    )
    items = fields.Char(compute="_compute_items", help="The box's items and quantities, as Coupang names them.")
    sale_order_id = fields.Many2one("sale.order", readonly=True, ondelete="set null", index="btree_not_null")
    fetch_log_id = fields.Many2one("ec.fetch.log", string="Last Fetch", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("shipment_box_unique", "UNIQUE(ec_store_key, shipment_box_id)", "A Coupang shipment box is kept once."),
    ]

    @api.depends("coupang_order_id", "shipment_box_id")
    @api.depends_context("lang")
    def _compute_name(self):
        """In the reader's language: the name is not stored, as no text shown later is."""
        for record in self:
            record.name = self.env._(
                "Coupang order %(order)s (box %(box)s)", order=record.coupang_order_id, box=record.shipment_box_id
            )

    def _search_name(self, operator, value):
        """The name holds the Coupang order ID and the shipment box ID: a search looks in both."""
        if operator in expression.NEGATIVE_TERM_OPERATORS:
            return ["&", ("coupang_order_id", operator, value), ("shipment_box_id", operator, value)]
        return ["|", ("coupang_order_id", operator, value), ("shipment_box_id", operator, value)]

    @api.depends("coupang_status")
    @api.depends_context("lang")
    def _compute_coupang_status_label(self):
        for record in self:
            record.coupang_status_label = coupang_status_label(self.env, record.coupang_status)

    def _compute_items(self):
        # Read from Coupang's data as a manager would: only the items are shown, not the buyer.
        for record in self:
            sheet = record.sudo()._order_sheets()[0] if record.sudo().payload else None
            items = sheet.items if isinstance(sheet, OrderSheet) else ()
            record.items = ", ".join(
                f"{item.vendor_item_name or item.vendor_item_id} × {item.shipping_count}" for item in items
            )

    # === ACTION METHODS === #

    def action_retry(self):
        """Imports the order again from its stored Coupang data, e.g. after a product was mapped."""
        self.check_access("write")
        for record in self.filtered(lambda record: record.state != "done"):
            record._import_again()
        if len(self) != 1:
            return True
        if self.state == "done":
            return self.action_view_sale_order()
        kind = "warning" if self.state == "held" else "danger"
        return display_notification(self.env._("Order Not Imported"), self.reason, kind)

    def action_retry_selected(self):
        """Retries the orders selected in the list, each on its own, and stays on the list."""
        self.check_access("write")
        return self._retry_in_bulk(EcOrderImport._import_again_alone, self.env._("Retry of the Selected Orders"))

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    # === BUSINESS METHODS === #

    def _import_again(self):
        self.ensure_one()
        with CoupangRun.for_button(self.account_id).connected() as run:
            run.env["ec.coupang.importer"]._import_sheets(run, self._current_sheets(run.client))

    def _import_again_alone(self):
        """The import again in a savepoint: a failure leaves nothing of it for the other orders."""
        with self.env.cr.savepoint():
            self._import_again()

    @api.model
    def _keep(self, account, sheet, state, reason, log):
        """Stores (or updates) the box with its data and why it was not imported (``reason``, a
        message); tells the user."""
        record = self._store(account, sheet, state, reason, log)
        log._count("count_held" if state == "held" else "count_failed")
        record._ask_for_review()
        return record

    @api.model
    def _keep_canceled(self, account, sheet, log):
        """Stores the box its buyer canceled whole before its import, settled: nothing of it was
        imported, so nothing of it ships (a stop-shipment request of it is answered so)."""
        record = self._find(account, sheet.shipment_box_id)
        if record:
            record._resolve_canceled()
            return record
        return self._store(account, sheet, "done", message("canceled_before_import"), log, found=record)

    @api.model
    def _store(self, account, sheet, state, reason, log, found=None):
        """The box's record, created or updated with its data, ``state`` and ``reason`` (a message).

        :param found: the box's record as the caller already looked it up (empty: none), if it did
        """
        values = dict(self._sheet_values(sheet), state=state, fetch_log_id=log.id, **message_values("reason", reason))
        record = self._find(account, sheet.shipment_box_id) if found is None else found
        if record:
            record.write(values)
            return record
        return self.create(
            dict(
                values,
                account_id=account.id,
                ec_store_key=account._coupang_store_key(),
                shipment_box_id=sheet.shipment_box_id,
            )
        )

    def _canceled_before_import(self):
        """Whether the fetch found the box canceled whole before importing it."""
        return self.state == "done" and self.reason_code == "canceled_before_import"

    @staticmethod
    def _sheet_values(sheet):
        return {
            "payload": json.dumps(sheet.raw, ensure_ascii=False, indent=1, default=str),
            "coupang_order_id": sheet.order_id,
            "coupang_status": sheet.status,
            "ordered_at": sheet.ordered_at and to_naive_utc(sheet.ordered_at),
        }

    def _current_sheets(self, client):
        """The boxes as Coupang shows them now (the buyer may have canceled since they were kept), so
        that a Retry never acknowledges a canceled box; the stored ones when Coupang cannot be read."""
        try:
            return [client.get_order_sheet(record.shipment_box_id) for record in self]
        except CoupangError:
            return self._order_sheets()

    def _follow_buyer_cancel(self, client):
        """The buyer canceled (part of) the kept box: closed when nothing is left to ship, else kept
        with the box as Coupang shows it now."""
        for record, sheet in zip(self, self._current_sheets(client), strict=True):
            if getattr(sheet, "is_fully_canceled", False):
                record._resolve_canceled()
            else:
                record.write(record._sheet_values(sheet))

    def _ask_for_review(self):
        self.ensure_one()
        ask_responsible(self, message("order_not_imported"), message(self.reason_code, **(self.reason_params or {})))

    def _resolve(self, reason, order=None):
        """Marks a stored box as settled (imported, or nothing to import; ``reason``, a message) and
        closes its activity."""
        if not self:
            return
        self.write({"state": "done", "sale_order_id": order and order.id, **message_values("reason", reason)})
        close_activities(self.activity_ids, self, reason)

    def _resolve_canceled(self):
        self._resolve(message("canceled_before_import"))

    def _order_sheets(self):
        """The stored Coupang order sheets, as the client reads them (unreadable ones stay unreadable)."""
        return [read_order_sheet(json.loads(record.payload), record.account_id.coupang_market) for record in self]

    @api.model
    def _find_boxes(self, account, shipment_box_ids):
        """{shipment box id: record} of the boxes kept for review by any account of the same store."""
        records = self.search(
            [("ec_store_key", "=", account._coupang_store_key()), ("shipment_box_id", "in", shipment_box_ids)]
        )
        return {record.shipment_box_id: record for record in records}

    @api.model
    def _find(self, account, shipment_box_id):
        """The box kept for review by any account of the same Coupang store."""
        return self._find_boxes(account, [shipment_box_id]).get(shipment_box_id, self.browse())

    @api.model
    def _held_for_items(self, account, vendor_item_ids, limit):
        """The account's held boxes (of its store) with an item to ship among ``vendor_item_ids``,
        oldest first, at most ``limit``: a held box names its items in its stored Coupang data."""
        if limit <= 0 or not vendor_item_ids:
            return self.browse()
        domain = [("ec_store_key", "=", account._coupang_store_key()), ("state", "=", "held")]
        domain += expression.OR([[("payload", "ilike", item)] for item in vendor_item_ids])
        found = self.browse()
        for record in self.sudo().search(domain, order="ordered_at, id"):
            sheet = record._order_sheets()[0]
            items = sheet.items_to_ship if isinstance(sheet, OrderSheet) else ()
            if any(item.vendor_item_id in vendor_item_ids for item in items):
                found |= record
                if len(found) >= limit:
                    break
        return found
