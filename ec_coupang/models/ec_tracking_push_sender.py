from datetime import timedelta

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html

from ..coupang import CoupangError, RequestRejectedError
from ..tools.coupang_errors import error_message, message, message_values, render, text_message
from ..tools.dates import doubling_delay
from ..tools.notifications import chatter_text, post_in_chatter

PUSH_ACTIVITY_XMLID = "ec_coupang.mail_activity_type_ec_push_failed"
# The retry policy of a delivery Coupang refused, all of it here: how many refusals before a person
# is asked (``_set_failed``), and the growing delay between two tries (``_retry_at``). Which errors
# count as a refusal is ``_handle_call_error``'s; which refusals no retry fixes, the client's
# ``BoxResult.needs_person``.
MAX_PUSH_ATTEMPTS = 8
FIRST_RETRY_DELAY = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=6)


class EcTrackingPushSender(models.AbstractModel):
    """Sending the tracking numbers of locked rows of the queue to Coupang, and what each outcome
    writes on its row: pushed, nothing new to send, refused (tried again after a growing delay, or
    handed to a person) or not sent (Coupang not reached, the row stays due, uncounted).

    Inherited by ``ec.tracking.push``, whose rows it works on: the queue and the parcel that goes
    to Coupang are there (``_trigger_push``, ``_earlier_unpushed``, ``_prepare_push_plan``...)."""

    _name = "ec.tracking.push.sender"
    _description = "Coupang Tracking Push Sending"

    def _push(self, run):
        """Sends the tracking numbers of these locked rows of the run's account.

        :return: False when Coupang could not be reached; what was not sent stays due
        """
        todo = self._filter_ready()
        if not todo:
            return True
        try:
            client = run.account._coupang_client(person_waits=run.person_waits)
        except UserError as error:
            todo._postpone(error_message(error))
            return False
        with client:
            return todo._push_in_rounds(client)

    def _push_in_rounds(self, client):
        """Coupang takes one invoice per box and call, and a later parcel of a box only after the first:
        each round sends the earliest waiting delivery of each box.

        :return: False when Coupang could not be reached
        """
        todo = self
        while todo:
            ready = todo.filtered(lambda push: not push._earlier_unpushed())
            if not ready:
                break
            todo -= ready
            if not ready._push_round(client):
                return False
        for push in todo:
            waits_for = message("push_waits_for", deliveries=push._earlier_unpushed().picking_id.mapped("name"))
            push.write(message_values("message", waits_for))
        return True

    def _filter_ready(self):
        """The rows Coupang can take now; the others keep waiting and say what their delivery misses."""
        ready = self.browse()
        for push in self:
            missing = push.picking_id._ec_missing_details_message()
            if missing:
                push.write(message_values("message", missing))
            else:
                ready |= push
        return ready

    def _push_round(self, client):
        """:return: False when Coupang could not be reached"""
        plans = {}
        for index, push in enumerate(self):
            if push._is_pushed_unchanged():
                push._set_pushed_unchanged()
                continue
            try:
                plan = push._prepare_push_plan(client)
            except UserError as error:
                push._set_failed(error_message(error), final=True)
                continue
            except CoupangError as error:
                if not push._handle_call_error(error):
                    (self.browse(other.id for other in plans) | self[index + 1 :])._postpone_for(error)
                    return False
                continue
            if plan:
                plans[push] = plan
            else:
                push._set_nothing_new()
        for update in (False, True):
            pushes = self.browse(push.id for push, plan in plans.items() if plan.update == update)
            if pushes and not pushes._send(client, plans, update):
                return False
        return True

    def _send(self, client, plans, update):
        """One call to Coupang with the invoices of these rows (one box each); records each box's result.

        :return: False when Coupang could not be reached
        """
        entries = [entry for push in self for entry in plans[push].entries]
        send = client.update_invoices if update else client.upload_invoices
        error = None
        try:
            results = send(entries)
        except CoupangError as call_error:
            error, results = call_error, call_error.partial_results
        results = {result.shipment_box_id: result for result in results}
        # Every read of Coupang before the first write: a box's result marks its sale order, which
        # must not stay locked across the reads of the batch's other boxes.
        taken = {push for push in self if self._taken(client, plans[push], results.get(plans[push].shipment_box_id))}
        reached = True
        for push in self:
            plan = plans[push]
            result = results.get(plan.shipment_box_id)
            push._log_attempt(plan, result, error)
            if result:
                push._record_result(plan, result, push in taken)
            else:
                reached = push._handle_call_error(error) and reached
        return reached

    def _log_attempt(self, plan, result, error):
        self.env["ec.tracking.push.attempt"].create(
            {
                "push_id": self.id,
                "kind": "update" if plan.update else "upload",
                "tracking_ref": plan.invoice_number,
                "result_code": result.result_code if result else error.code,
                **message_values("message", text_message(result.message) if result else error_message(error)),
                "succeeded": bool(result and result.succeed),
            }
        )

    def _handle_call_error(self, error):
        """A call for this row failed as a whole. Coupang rejecting it counts as a failed attempt;
        any other error (unreachable, rate limit, credentials) leaves the row due, uncounted.

        :return: False when Coupang could not be reached
        """
        if isinstance(error, RequestRejectedError):
            self._set_failed(error_message(error), final=False)
            return True
        self._postpone_for(error)
        return False

    def _taken(self, client, plan, result):
        """Whether Coupang has the plan's invoice: its result says so, or, refused as already
        shipped (an earlier upload whose answer was lost), the box shows it."""
        if not result:
            return False
        return result.succeed or (result.result_code == "INVALID_STATUS" and self._box_has_invoice(client, plan))

    def _record_result(self, plan, result, taken):
        if taken:
            self._set_pushed(plan)
            return
        refused = message("invoice_refused", coupang_message=result.message, result_code=result.result_code)
        self._set_failed(refused, final=result.needs_person)

    def _box_has_invoice(self, client, plan):
        """Whether Coupang already has this invoice, e.g. when the answer to an earlier upload was lost."""
        try:
            sheet = client.get_order_sheet(plan.shipment_box_id)
        except CoupangError:
            return False
        return sheet.invoice_number == plan.invoice_number

    # === RESULTS === #

    def _set_pushed(self, plan):
        self.write(
            {
                "state": "done",
                **message_values("message", False),
                "attempts": 0,
                "next_attempt_at": False,
                "pushed_at": fields.Datetime.now(),
                "pushed_tracking_ref": plan.invoice_number,
                "pushed_delivery_company_code": plan.delivery_company_code,
                "pushed_vendor_item_ids": ",".join(plan.vendor_item_ids),
            }
        )
        taken = message("push_taken", number=plan.invoice_number, company=plan.delivery_company_code)
        post_in_chatter(self.picking_id, self._plan_note(plan, taken))
        self.picking_id.activity_feedback(
            [PUSH_ACTIVITY_XMLID], feedback=chatter_text(self.picking_id, message("push_activity_done"))
        )
        self._mark_departed()

    def _mark_departed(self):
        """The box left: its Coupang status moves to DEPARTURE, as the upload does on Coupang. Skipped
        while a user edits the order, as the push never waits for a user."""
        order = self.sale_order_id
        if order.coupang_status not in ("ACCEPT", "INSTRUCT"):
            return
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(SQL("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE NOWAIT", order.id))
                order.coupang_status = "DEPARTURE"
        except (LockNotAvailable, SerializationFailure):
            order.invalidate_recordset(["coupang_status"])

    def _set_pushed_unchanged(self):
        self.write({"state": "done", **message_values("message", False), "next_attempt_at": False})

    def _set_nothing_new(self):
        self.write({"state": False, **message_values("message", False), "next_attempt_at": False})
        post_in_chatter(self.picking_id, message("push_nothing_new", number=self.picking_id.carrier_tracking_ref))

    def _set_failed(self, reason, final):
        """Records a failed push (``reason``: a message): retried later with a growing delay, or
        handed to a person."""
        self.ensure_one()
        attempts = self.attempts + 1
        said = message_values("message", reason)
        if final or attempts >= MAX_PUSH_ATTEMPTS:
            self.write({"state": "error", **said, "attempts": attempts, "next_attempt_at": False})
            self._schedule_activity(reason)
            return
        next_attempt = self._retry_at(attempts)
        self.write({"state": "pending", **said, "attempts": attempts, "next_attempt_at": next_attempt})
        if next_attempt:
            self._trigger_push(next_attempt)

    def _retry_at(self, attempts):
        """When a row that failed ``attempts`` times is tried again; False: with the next run."""
        return fields.Datetime.now() + self._retry_delay(attempts)

    @staticmethod
    def _retry_delay(attempts):
        """Doubles with each failed attempt, from FIRST_RETRY_DELAY up to MAX_RETRY_DELAY."""
        return doubling_delay(attempts, FIRST_RETRY_DELAY, MAX_RETRY_DELAY)

    def _postpone(self, reason):
        """Coupang was not reached (``reason``: a message): the rows stay due, without counting it as
        their attempt."""
        self.write(message_values("message", reason))

    def _postpone_for(self, error):
        self._postpone(message("push_postponed", error=error_message(error)))

    def _schedule_activity(self, reason):
        """A to-do for a person; Odoo stores its note, so it is written in that person's language."""
        picking = self.picking_id
        activity_type = self.env.ref(PUSH_ACTIVITY_XMLID)
        if picking.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type):
            return
        user = self.account_id.user_id or picking.user_id or self.env.user
        note = plaintext2html(render(self.with_context(lang=user.lang).env, reason))
        picking.activity_schedule(PUSH_ACTIVITY_XMLID, note=note, user_id=user.id)
