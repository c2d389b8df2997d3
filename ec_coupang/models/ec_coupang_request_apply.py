from contextlib import contextmanager
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import fields, models
from odoo.exceptions import UserError

from ..coupang import (
    COUPANG_CHECK_REQUESTED,
    RETURN_COMPLETED,
    CoupangError,
    NotAvailableInMarketError,
    RequestRejectedError,
    UnreadableReturnRequest,
)
from ..tools.coupang_errors import MessageError, error_message, message, message_values, row_error
from ..tools.coupang_run import CoupangRun
from ..tools.notifications import post_in_chatter

REQUEST_CRON_XMLID = "ec_coupang.ir_cron_ec_check_requests"
# A request that waits (for the goods, or for a person) is read again this often: its buyer may
# have withdrawn it, or the seller answered it in Wing.
READ_AGAIN_AFTER = timedelta(days=1)
# Tries of one request's apply when a user's save of its sale order or delivery crosses it.
APPLY_TRIES = 3


class EcCoupangRequestApply(models.AbstractModel):
    """How a Coupang request is applied: what changes in Odoo (the sale order's quantities, the
    return picking), the answer sent to Coupang (once; one of unknown outcome is read again before
    it is sent again), and the state and reason the request is left in.

    ``ec.coupang.request`` inherits it; its records are the requests applied.
    """

    _name = "ec.coupang.request.apply"
    _description = "Coupang Request Apply"

    # === BUSINESS METHODS: APPLY === #

    def _apply_locked(self):
        self.ensure_one()
        self._lock()
        with CoupangRun.for_answers(self.account_id).connected() as run:
            self._apply_safely(run, read=True)

    def _apply_safely(self, run, fresh=False, read=False):
        """Applies the request in a savepoint; when it cannot be, keeps it as failed with the reason.
        When Coupang turns out to have had an answer already (given in Wing), applies it once more
        from the data just read.

        :param fresh: the stored data was just listed by Coupang (no need to read it again)
        :param read: read the request from Coupang first (a user's Retry)
        """
        for attempt in range(2):
            try:
                if not self._apply_serialized(run, fresh or attempt, read and not attempt):
                    return
            except (UserError, CoupangError) as error:
                self._fail(error_message(error))
            if self.state != "to_apply":
                return

    def _apply_serialized(self, run, fresh, read):
        """Applies the request in a step of its own. When a user's save of its sale order or
        delivery crosses it (a serialization failure), the answers Coupang took are committed
        already: the apply starts again in a new transaction, from what is recorded. Returns False
        when another transaction holds the request now."""
        for attempt in range(1, APPLY_TRIES + 1):
            try:
                with self._apply_step(run):
                    self._apply(run, fresh, read)
                return True
            except SerializationFailure:
                if not run.commits or attempt == APPLY_TRIES:
                    raise
                if not self._try_lock():
                    return False
        return True

    @contextmanager
    def _apply_step(self, run):
        """A savepoint; when answers are committed, the transaction itself, which holds nothing
        else (everything before it was committed): a failure rolls it back and locks the request
        again for what follows."""
        if not run.commits:
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
            self.env.flush_all()  # a write refused must fail here, not at the commit after the step
        except Exception:
            self.env.cr.rollback()
            self._try_lock()
            raise

    def _apply(self, run, fresh, read):
        coupang_request = self._coupang_request()
        if isinstance(coupang_request, UnreadableReturnRequest):
            raise row_error(self.env, coupang_request)
        order = self._find_sale_order(coupang_request)
        if not order:
            self._apply_not_imported(run, coupang_request)
            return
        if read or self._may_have_moved(fresh):
            coupang_request = self._read_open(run.client)
            if not coupang_request:
                return
        self._link(order)
        if self.kind == "cancel":
            self._stop_delivery(order, coupang_request)
            self._finish(message("request_cancel_applied"))
        elif self.kind == "stop":
            self._apply_stop(order, coupang_request, run)
        else:
            self._apply_return(order, coupang_request, run)

    def _may_have_moved(self, fresh):
        """Whether Coupang's state of the request may differ from the stored one: an answer of unknown
        outcome, or data not just listed of a request to answer (the seller may have answered in
        Wing) or read long ago. Cancellations are never read: Coupang has nothing to answer."""
        if self.kind == "cancel":
            return False
        if self.answer_in_doubt:
            return True
        if fresh:
            return False
        if self.kind == "stop" or self.state in ("to_apply", "failed"):
            return True
        return not self.coupang_read_at or self.coupang_read_at < fields.Datetime.now() - READ_AGAIN_AFTER

    def _read_open(self, client):
        """The request read again; None when Coupang no longer serves it (the request is closed)."""
        try:
            return self._read_again(client)
        except RequestRejectedError as error:
            if self.kind != "return":
                raise
            self._close_withdrawn(error)
            return None

    def _close_withdrawn(self, error):
        """A return Coupang no longer shows: the buyer withdrew it (it leaves Coupang's lists; the
        withdrawal history is Korea-only)."""
        if self.return_picking_id.state not in ("done", "cancel", False):
            self.return_picking_id.action_cancel()
        self._finish(message("return_withdrawn", error=error_message(error)))

    def _read_again(self, client):
        """Coupang's current state of the request, read before an answer that may no longer be due."""
        coupang_request = client.get_return_request(self.receipt_id)
        self.write(self._values_of(coupang_request))
        if self.answer_in_doubt and not self._still_due(self.answer_in_doubt, coupang_request):
            self._record_answer(self.answer_in_doubt)
        self.answer_in_doubt = False
        self.kind = self._kind_of(coupang_request)
        return coupang_request

    def _apply_not_imported(self, run, coupang_request):
        """The request's box is not in Odoo. A cancellation, or a request Coupang already completed,
        needs nothing (its box kept for review is closed when nothing is left to ship); a stop of a
        box the fetch left out because its buyer stopped all of it is answered, nothing of it having
        shipped; any other request waits for the fetch when one may still bring the box, else
        goes to a person with what fits the case and the market."""
        review = self.env["ec.order.import"]._find(self.account_id, self.shipment_box_id)
        if self.kind == "cancel" or self.coupang_status == RETURN_COMPLETED:
            review.filtered(lambda record: record.state != "done")._follow_buyer_cancel(run.client)
            self._finish(message("request_canceled_before_import"))
            return
        if self.kind == "stop" and review._canceled_before_import():
            self._answer_stop_of_box_not_imported(run, coupang_request)
            return
        if review:
            why = message("request_box_in_review", review=review.display_name)
        elif self._fetched_since():
            why = message("request_ordered_before_first_fetch")
        else:
            raise MessageError(self.env, "request_order_not_fetched_yet")
        self._set_state("person", self._not_imported_advice(why))

    def _answer_stop_of_box_not_imported(self, run, coupang_request):
        """Nothing of the box was imported, so nothing shipped: the stop is answered, once."""
        if self.answer_in_doubt:
            coupang_request = self._read_again(run.client)  # records the answer if Coupang took it
        count = coupang_request.cancel_count_sum
        if self.answer == "stop_shipment" or self._send(run, "stop_shipment", count) is not None:
            self._follow_stop(coupang_request)

    def _fetched_since(self):
        """Whether a fetch ran after the request was made: the request's box was in its window, if ever."""
        watermark = self.account_id.last_fetch_watermark
        return bool(watermark and self.requested_at and self.requested_at <= watermark)

    def _not_imported_advice(self, why):
        if not self.account_id._coupang_market().answers_stop_shipment:
            return message("request_not_imported_tw", why=why)
        return message("request_not_imported", why=why)

    def _find_sale_order(self, coupang_request):
        return self.env["sale.order"].search(
            [
                ("ec_store_key", "=", self.ec_store_key),
                ("coupang_shipment_box_id", "in", coupang_request.shipment_box_ids),
            ],
            limit=1,
        )

    def _link(self, order):
        self.write({"sale_order_id": order.id, "picking_ids": [fields.Command.set(order._ec_deliveries().ids)]})

    def _shipped(self, order):
        return any(picking.state == "done" for picking in order._ec_deliveries())

    # --- stop-shipment requests ---

    def _apply_stop(self, order, coupang_request, run):
        stopped_on_coupang = coupang_request.receipt_status == RETURN_COMPLETED  # e.g. answered in Wing
        if self.delivery_stopped or self.answer == "stop_shipment" or stopped_on_coupang:
            self._stop_after_answer(order, coupang_request)
        elif self._shipped(order):
            self._answer_shipped(order, coupang_request, run)
        elif self._send(run, "stop_shipment", coupang_request.cancel_count_sum) is not None:
            self._stop_after_answer(order, coupang_request)

    def _stop_after_answer(self, order, coupang_request):
        """Cancels in Odoo what Coupang stopped; a failure here keeps the answer Coupang took."""
        try:
            with self.env.cr.savepoint():
                self._stop_delivery(order, coupang_request)
        except UserError as error:
            self._fail(error_message(error))
            return
        self._follow_stop(coupang_request)

    def _follow_stop(self, coupang_request):
        if self.answer == "stop_shipment" or coupang_request.receipt_status == RETURN_COMPLETED:
            self._finish(message("stop_confirmed"))
        else:
            self._set_state("waiting", message("stop_answer_in_wing"))

    def _stop_delivery(self, order, coupang_request):
        """Cancels on the sale order what the request covers (its delivery follows), once."""
        if self.delivery_stopped:
            return
        counts = {item.vendor_item_id: item.cancel_count for item in coupang_request.items}
        seller_cancel = self.env["ec.coupang.cancel"]._claim(order, self.receipt_id, counts)
        if seller_cancel:  # the seller's own Cancel on Coupang: canceled in Odoo already
            seller_cancel.request_id = self
        if seller_cancel or order.state == "cancel":
            self.delivery_stopped = True
            return
        order._ec_cancel_quantities(counts)
        self.delivery_stopped = True
        if order.coupang_status != "canceled" and order.state == "cancel":
            order.coupang_status = "canceled"
        order._ec_schedule_activity(
            message("stop_applied"),
            message("stop_applied_note", receipt=self.receipt_id, items=describe_items(coupang_request)),
        )

    def _answer_shipped(self, order, coupang_request, run):
        """The box left before the request was seen: Coupang gets its carrier and tracking number.
        The order is flagged after the answer is committed, so that a user's save of the order never
        waits for the call."""
        picking = order._ec_deliveries().filtered(lambda picking: picking.state == "done")[:1]
        code = picking.carrier_id.ec_delivery_company_id.code
        if not (code and picking.carrier_tracking_ref):
            self._set_state("person", message("shipped_without_tracking"))
        elif self._send(run, "complete_shipment", code, picking.carrier_tracking_ref) is not None:
            self._set_state("answered", message("told_already_shipped"))
        order._ec_flag_shipped_despite_stop(self.receipt_id)

    # --- returns ---

    def _apply_return(self, order, coupang_request, run):
        """Follows a return; the order's status is written after any answer is committed, so that a
        user's save of the order never waits for the call."""
        status = coupang_request.receipt_status
        if status == RETURN_COMPLETED:
            order._ec_follow_return(completed=True)
            self._finish(message("return_completed"))
            return
        if status == COUPANG_CHECK_REQUESTED:
            self._set_state("person", message("return_checked_by_coupang"))
        elif coupang_request.can_approve or self.answer == "receive_confirmation":
            self._approve_if_automatic(run, coupang_request)
        elif coupang_request.can_confirm_receipt:
            self._receive_return(order, coupang_request, run)
        if self.state != "done":  # an approval Coupang took has marked the order returned
            order._ec_follow_return(completed=False)

    def _receive_return(self, order, coupang_request, run):
        if not self.return_picking_id:
            self.return_picking_id = self._create_return_picking(order, coupang_request)
        if self.return_picking_id.state != "done":
            self._set_state("waiting", message("return_validate_on_arrival"))
        elif self._send(run, "receive_confirmation") is not None:
            self._approve_if_automatic(run, coupang_request)

    def _approve_if_automatic(self, run, coupang_request):
        if self.account_id.approve_returns_on_receipt:
            self._approve(run, coupang_request)
        else:
            self._set_state("answered", message("return_to_approve"))

    def _awaits_approval(self):
        coupang_request = self._coupang_request()
        if isinstance(coupang_request, UnreadableReturnRequest) or self.state == "done":
            return False
        return self.answer in ("receive_confirmation", "approval") or coupang_request.can_approve

    def _approve(self, run, coupang_request):
        """Approves the return on Coupang, once: an approval Coupang took is only followed in Odoo."""
        if self.answer == "approval" or self._send(run, "approval", coupang_request.cancel_count_sum) is not None:
            self.sale_order_id._ec_follow_return(completed=True)
            self._finish(message("return_approved"))

    def _create_return_picking(self, order, coupang_request):
        """The return of the shipped delivery, the request's quantity of each item, into the warehouse."""
        delivery = order._ec_deliveries().filtered(lambda picking: picking.state == "done")[:1]
        if not delivery:
            raise MessageError(self.env, "return_no_delivery")
        quantities = {item.vendor_item_id: item.cancel_count for item in coupang_request.items}
        wizard = self.env["stock.return.picking"].with_context(active_id=delivery.id, active_model="stock.picking")
        wizard = wizard.create({"picking_id": delivery.id})
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.move_id.sale_line_id.coupang_vendor_item_id, 0)
        if not any(wizard.product_return_moves.mapped("quantity")):
            raise MessageError(self.env, "return_items_not_delivered")
        picking = wizard._create_return()
        post_in_chatter(picking, message("return_of_request", receipt=self.receipt_id))
        return picking

    def _receive_returned_goods(self):
        """The return was validated: the next check confirms the receipt to Coupang."""
        self.filtered(lambda request: request.state in ("waiting", "failed")).write({"state": "to_apply"})
        self.env.ref(REQUEST_CRON_XMLID)._trigger()

    # --- answers ---

    @staticmethod
    def _still_due(answer, coupang_request):
        if answer in ("stop_shipment", "complete_shipment"):
            return coupang_request.awaits_shipment_answer
        if answer == "receive_confirmation":
            return coupang_request.can_confirm_receipt
        return coupang_request.can_approve

    def _send(self, run, answer, *args):
        """Sends one answer to Coupang; returns Coupang's answer, or None when it is not (yet) known
        to be carried out (the request says why)."""
        client = run.client
        calls = {
            "stop_shipment": client.stop_shipment,
            "complete_shipment": client.complete_shipment,
            "receive_confirmation": client.confirm_return_receipt,
            "approval": client.approve_return,
        }
        try:
            result = calls[answer](self.receipt_id, *args)
        except NotAvailableInMarketError:
            return self._answer_in_wing(answer)
        except RequestRejectedError as error:
            # Never raised further: a rollback would forget an answer Coupang took before this one.
            self._refused(client, answer, error)
            return None
        except CoupangError as error:
            self.write(
                {"answer_in_doubt": answer, "state": "waiting", **message_values("reason", error_message(error))}
            )
            self._commit_answer(run)
            return None
        self._record_answer(answer)
        self._commit_answer(run)
        return result

    def _commit_answer(self, run):
        """Commits the answer Coupang took (or may have taken) before anything else is written,
        when the run commits; the request is locked again for what follows."""
        if run.commits:
            run.commit()
            self._try_lock()

    def _refused(self, client, answer, error):
        """Coupang refused the answer: when a read shows it no longer due (answered in Wing), the
        request is applied again from that data; otherwise it failed."""
        try:
            coupang_request = self._read_again(client)
        except CoupangError:
            coupang_request = None
        if coupang_request and not self._still_due(answer, coupang_request):
            self._set_state("to_apply", message("answer_given_in_wing"))
        else:
            self._fail(error_message(error))

    def _answer_in_wing(self, answer):
        if answer == "stop_shipment":
            return True  # Coupang's status confirms it later: see _follow_stop
        self._set_state("person", message("answer_shipped_in_wing"))
        return None

    def _record_answer(self, answer):
        self.write({"answer": answer, "answered_at": fields.Datetime.now(), "answer_in_doubt": False})
        post_in_chatter(self, message("answer_taken", answer=answer))


def describe_items(coupang_request):
    return ", ".join(
        f"{item.vendor_item_name or item.vendor_item_id} × {item.cancel_count}" for item in coupang_request.items
    )
