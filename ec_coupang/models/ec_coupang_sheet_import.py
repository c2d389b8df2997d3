import logging
from contextlib import contextmanager

import psycopg2

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import DEFER_RESERVATION, STOCK_LOCK_KEY
from ..coupang import CoupangError, UnreadableOrderSheet
from ..tools.coupang_errors import MessageError, error_message, message, render, row_error
from ..tools.coupang_run import release_session_lock
from .ec_coupang_order_mapper import product_key

_logger = logging.getLogger(__name__)


class EcCoupangSheetImport(models.AbstractModel):
    """The import of one page of Coupang order sheets of an account, each box exactly once: sorts
    each box out (already imported, canceled, held for a missing setting, to import), acknowledges
    the new ones, and imports the others together or, when one fails, each in a savepoint of its
    own; a box that cannot be imported is kept as an ``ec.order.import`` for review.

    ``ec.coupang.importer`` inherits it: the fetch run, the review's Retry and the queue's page
    jobs all import their sheets through ``_import_sheets``.
    """

    _name = "ec.coupang.sheet.import"
    _description = "Coupang Order Sheet Import"

    # === ONE PAGE OF ORDER SHEETS === #

    @api.model
    def _import_sheets(self, run, sheets):
        """Imports a page of order sheets of the run's account, each box exactly once.

        Boxes in preparation (INSTRUCT) are imported together, in one savepoint, their deliveries
        reserved as Odoo's confirmation reserves them; when any of them fails, the page is imported
        order by order. New boxes (ACCEPT, as kept for review) are acknowledged together, then read
        again, since the buyer may have changed the address until then. Order by order, each box is
        imported in its own savepoint (and committed on its own under the cron), its deliveries
        reserved in a savepoint of their own: one bad order never stops the others, and a delivery
        that cannot be reserved never costs its order.

        :param run: the account's ``CoupangRun``, with its open client and the ``ec.fetch.log``
            counting the outcomes (may be empty)
        """
        ready = self._ready_sheets(run, sheets)
        new = [sheet.shipment_box_id for sheet, _products in ready if sheet.status == "ACCEPT"]
        refusals = self._acknowledge(run.client, new) if new else {}
        together = [(sheet, products) for sheet, products in ready if sheet.status == "INSTRUCT"]
        if len(together) > 1 and self._import_together(run, together):
            ready = [(sheet, products) for sheet, products in ready if sheet.status != "INSTRUCT"]
        for sheet, products in ready:
            refusal = refusals.get(sheet.shipment_box_id)

            def step(sheet=sheet, products=products, refusal=refusal):
                return self._import_sheet(run, sheet, products, refusal)

            self._run_step(run, sheet, step)

    @api.model
    def _import_together(self, run, ready):
        """Creates and confirms the orders of ``[(sheet, products)]`` together, in one savepoint
        (committed together under the cron); returns False, with nothing of them kept, when any of
        them fails, or when under the cron another transaction updated the same rows meanwhile (two
        stores reserving the same stock): the shorter transactions of the orders one by one then
        meet it less, and try again."""
        try:
            with self._stock_turn(run), run.savepoint():
                self._create_page(run, ready)
        except psycopg2.errors.SerializationFailure:
            if not run.commits:
                raise  # the run stops and its watermark stays
            self.env.cr.rollback()  # everything before the page was committed
            return False
        except psycopg2.OperationalError:
            raise  # a lock: the run stops and its watermark stays
        except Exception as error:  # noqa: BLE001 - the page is imported order by order instead
            _logger.info("Coupang orders of EC account %s imported one by one: %s", run.account.id, error)
            return False
        return True

    @api.model
    def _create_page(self, run, ready):
        Review = self.env["ec.order.import"]
        orders = self.env["ec.coupang.order.mapper"]._create_sale_orders(run.account, ready)
        reviews = Review._find_boxes(run.account, [sheet.shipment_box_id for sheet, _products in ready])
        run.log._count("count_created", len(orders))
        for order in orders:
            reviews.get(order.coupang_shipment_box_id, Review)._resolve(message("imported"), order)

    @api.model
    def _ready_sheets(self, run, sheets):
        """[(sheet, products)] of the boxes of the page to import; the others are settled. The
        page's sale orders and products are looked up together, and the page is sorted out in one
        savepoint; when a box fails there, each box is sorted out in its own."""
        orders, known = self._page_lookups(run.account, sheets)
        currencies = {}
        if orders is not None and len(sheets) > 1:
            ready = self._ready_together(run, sheets, orders, known, currencies)
            if ready is not None:
                return ready
        ready = []
        for sheet in sheets:

            def triage(sheet=sheet):
                box_id = sheet.shipment_box_id
                found = orders if orders is not None else self._find_sale_orders(run.account, [box_id])
                return self._triage(run, sheet, found.get(box_id, self.env["sale.order"]), known, currencies)

            products = self._run_step(run, sheet, triage)
            if products:
                ready.append((sheet, products))
        return ready

    @api.model
    def _ready_together(self, run, sheets, orders, known, currencies):
        """``_ready_sheets`` of the whole page in one step; None, with nothing of it kept, when a box
        fails (the boxes are then sorted out one by one, the bad one kept for review)."""
        Order = self.env["sale.order"]

        def triage_page():
            return [
                (sheet, products)
                for sheet in sheets
                if (products := self._triage(run, sheet, orders.get(sheet.shipment_box_id, Order), known, currencies))
            ]

        try:
            return self._serialized(run, triage_page)
        except psycopg2.OperationalError:
            raise  # serialization failure or lock: the run stops and its watermark stays
        except Exception as error:  # noqa: BLE001 - each box is sorted out on its own instead
            _logger.info("Coupang boxes of EC account %s sorted out one by one: %s", run.account.id, error)
            return None

    @api.model
    def _page_lookups(self, account, sheets):
        """({box id: sale order}, {vendor item id: product(s)}) of the page, each looked up in one
        query; (None, {}) when a bad row breaks them: each box then looks its own up, in its own
        savepoint."""
        readable = [sheet for sheet in sheets if not isinstance(sheet, UnreadableOrderSheet)]
        items = [item for sheet in readable for item in sheet.items_to_ship]
        try:
            with self.env.cr.savepoint():
                found = self._find_sale_orders(account, [sheet.shipment_box_id for sheet in sheets])
                known = self.env["ec.coupang.order.mapper"]._find_page_products(account, items) if items else {}
        except psycopg2.OperationalError:
            raise
        except Exception:  # noqa: BLE001 - the bad row fails on its own in its step
            return None, {}
        return found, known

    @api.model
    def _run_step(self, run, sheet, step):
        """Runs ``step`` for one box in a savepoint and returns its result; when it fails, the box
        is kept as failed, with Coupang's data and the reason, and the others go on."""
        try:
            return self._serialized(run, step)
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.constraint_name != "sale_order_ec_shipment_box_unique":
                raise
            # Another fetch created this box's sale order at the same moment.
            with run.savepoint():
                run.log._count("count_existing")
        except psycopg2.OperationalError:
            raise  # serialization failure or lock: the run stops and its watermark stays
        except Exception as error:  # noqa: BLE001 - any bad order is kept for review, never lost
            reason = error_message(error)
            _logger.warning(
                "Coupang box %s of EC account %s not imported: %s",
                sheet.shipment_box_id,
                run.account.id,
                render(self.env, reason),
                exc_info=not isinstance(error, UserError | CoupangError),
            )
            with run.savepoint():
                self.env["ec.order.import"]._keep(run.account, sheet, "failed", reason, run.log)
        return False

    @api.model
    def _serialized(self, run, step):
        """Runs ``step`` in a savepoint, in the company's turn; under the cron, tried again when
        another transaction updated the same rows meanwhile (a user reserving the same stock)."""

        def in_turn():
            with self._stock_turn(run), run.savepoint():
                return step()

        return run.retried(in_turn)

    @contextmanager
    def _stock_turn(self, run):
        """Under the cron, the imports of one company take turns. Two stores of one warehouse
        reserving the same quants under repeatable read otherwise fail each other's transactions,
        again and again under load. The turn is a session lock, taken and then committed before the
        import's transaction starts, so that its snapshot already holds the other import's stock."""
        if not run.commits:
            yield
            return
        key = SQL("%s, %s", STOCK_LOCK_KEY, run.account.company_id.id)
        run.commit()  # no row of this run stays locked while it waits for its turn
        self.env.cr.execute(SQL("SELECT pg_advisory_lock(%s)", key))
        # The lock's statement took the snapshot while it waited: a new transaction sees the stock
        # the other import committed.
        run.commit()
        try:
            yield
        finally:
            release_session_lock(self.env.cr, key)

    @api.model
    def _reserve_apart(self, run, pickings):
        """Reserves the stock of the deliveries of an order imported on its own, in a savepoint of
        their own: a delivery that cannot be reserved keeps its order, and waits, as one without
        stock, for Check Availability or Odoo's scheduler."""
        try:
            with self.env.cr.savepoint():
                # As when the delivery is reserved on its creation: no "Waiting -> Ready" line in its chatter.
                pickings.with_context(mail_notrack=True).action_assign()
        except psycopg2.OperationalError:
            raise  # serialization failure or lock: the order's step is tried again
        except Exception as error:  # noqa: BLE001 - the order stays; only its reservation waits
            _logger.warning("Deliveries %s of EC account %s not reserved: %s", pickings.ids, run.account.id, error)

    @api.model
    def _triage(self, run, sheet, order, known, currencies=None):
        """Settles the boxes that need no import; returns the products of the items of those to
        import now ({vendor item id: product}), else an empty dict.

        :param order: the box's sale order, if any
        :param known: the products looked up for the page (see ``_find_page_products``)
        :param currencies: the currencies looked up for the page so far (see ``_hold_reason``)
        """
        Review = self.env["ec.order.import"]
        account, log = run.account, run.log
        unreadable = isinstance(sheet, UnreadableOrderSheet)
        if order:
            log._count("count_existing")
            if not unreadable:
                kept = Review._find(account, sheet.shipment_box_id).filtered(lambda kept: kept.state != "done")
                kept._resolve(message("imported"), order)
                # A cancellation changes deliveries reserved by an earlier run: Odoo's own reservation.
                if order.with_context(**{DEFER_RESERVATION: False})._ec_apply_coupang_sheet(sheet):
                    log._count("count_canceled")
            return {}
        if unreadable:
            raise row_error(self.env, sheet)  # kept as failed, with the row as Coupang sent it
        if sheet.is_fully_canceled:
            self._settle_canceled(run, sheet)
            return {}
        products = self._match_products(account, sheet, known)
        reason = self._hold_reason(account, sheet, products, currencies)
        if reason:
            Review._keep(account, sheet, "held", reason, log)
            return {}
        return products

    @api.model
    def _settle_canceled(self, run, sheet):
        """A box its buyer canceled (or is canceling) whole before its import: nothing to import,
        counted among the run's canceled boxes, and kept settled."""
        self.env["ec.order.import"]._keep_canceled(run.account, sheet, run.log)
        run.log._count("count_canceled")

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
            unconfirmed = error_message(error)
        answers = {result.shipment_box_id: acknowledgement_error(result) for result in results}
        return {box_id: answers.get(box_id, unconfirmed) for box_id in box_ids if answers.get(box_id, unconfirmed)}

    @api.model
    def _import_sheet(self, run, sheet, products, refusal):
        Review = self.env["ec.order.import"]
        account = run.account
        if sheet.status == "ACCEPT":
            sheet = self._read_again(run.client, sheet)
            if sheet.is_fully_canceled:
                self._settle_canceled(run, sheet)
                return
            products = self._match_products(account, sheet)
            problems = self._product_problems(sheet, products)
            if problems:
                raise MessageError(self.env, "lines", lines=problems)
        if refusal and sheet.status != "INSTRUCT":
            raise MessageError(self.env, "not_taken_into_preparation", refusal=refusal)
        defer = self.env.context.get(DEFER_RESERVATION)
        Mapper = self.env["ec.coupang.order.mapper"].with_context(**{DEFER_RESERVATION: True})
        order = Mapper._create_sale_order(account, sheet, products).with_env(self.env)
        if not defer:
            self._reserve_apart(run, order.picking_ids)
        run.log._count("count_created")
        Review._find(account, sheet.shipment_box_id)._resolve(message("imported"), order)

    @api.model
    def _read_again(self, client, sheet):
        try:
            return client.get_order_sheet(sheet.shipment_box_id)
        except CoupangError as error:
            raise MessageError(self.env, "read_again_failed", error=error_message(error)) from error

    @api.model
    def _find_sale_orders(self, account, shipment_box_ids):
        """{shipment box id: sale order} of the boxes imported by any account of the same Coupang store."""
        orders = self.env["sale.order"].search(
            [("ec_store_key", "=", account._coupang_store_key()), ("coupang_shipment_box_id", "in", shipment_box_ids)]
        )
        return {order.coupang_shipment_box_id: order for order in orders}

    # === CHECKS === #

    @api.model
    def _hold_reason(self, account, sheet, products, currencies=None):
        """What the user must set before this order can be imported (a message), or False.

        :param currencies: {currency code: ``_currency_of``'s answer} of the page, filled as its
            sheets need them: a page's sheets are most often in one currency
        """
        reasons = []
        receiver_problem = self._receiver_problem(sheet.receiver)
        if receiver_problem:
            reasons.append(receiver_problem)
        delivery_problem = account._delivery_problem(sheet.delivery.kind)
        if delivery_problem:
            reasons.append(delivery_problem)
        currencies = {} if currencies is None else currencies
        if sheet.currency not in currencies:
            currencies[sheet.currency] = self.env["ec.coupang.order.mapper"]._currency_of(sheet.currency)
        _currency, currency_problem = currencies[sheet.currency]
        if currency_problem:
            reasons.append(currency_problem)
        unknown = [item for item in sheet.items_to_ship if not products[item.vendor_item_id]]
        if unknown:
            self._add_mapping_stubs(account, unknown)
        reasons.extend(self._product_problems(sheet, products))
        return message("lines", lines=reasons) if reasons else False

    @api.model
    def _receiver_problem(self, receiver):
        """What a delivery needs that the receiver lacks (a store pickup's store is its first
        address line), or False."""
        missing = []
        if not receiver.name.strip():
            missing.append("name")
        if not receiver.addr1.strip():
            missing.append("address")
        return message("receiver_missing", missing=missing) if missing else False

    @api.model
    def _match_products(self, account, sheet, known=None):
        """{vendor item id: the product(s) found} for the items to ship; only the items not
        ``known`` (products looked up for the page) are looked up."""
        known = known or {}
        missing = [item for item in sheet.items_to_ship if product_key(item) not in known]
        if missing:
            known = {**known, **self.env["ec.coupang.order.mapper"]._find_page_products(account, missing)}
        return {item.vendor_item_id: known[product_key(item)] for item in sheet.items_to_ship}

    @api.model
    def _product_problems(self, sheet, products):
        """Why items to ship have no product, or more than one: one message per problem."""
        items = sheet.items_to_ship
        problems = []
        unknown = [item for item in items if not products[item.vendor_item_id]]
        if unknown:
            problems.append(message("no_product", items=", ".join(describe_item(item) for item in unknown)))
        for item in items:
            count = len(products[item.vendor_item_id])
            if count > 1:
                problems.append(
                    message(
                        "several_products", count=count, sku=item.external_vendor_sku_code, item=item.vendor_item_id
                    )
                )
        return problems

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


def describe_item(item):
    label = item.vendor_item_name or item.vendor_item_id
    sku = f", SKU {item.external_vendor_sku_code}" if item.external_vendor_sku_code else ""
    return f"{label} ({item.vendor_item_id}{sku})"


def acknowledgement_error(result):
    if result is None or result.succeed:
        return None
    return message("coupang_answer", message=result.message, result_code=result.result_code)
