import logging

import psycopg2

from odoo import fields, models

from ..tools.coupang_errors import message_text_fields, message_values, render, stored_message
from ..tools.notifications import display_notification

_logger = logging.getLogger(__name__)

# {fetch log state: the Last Result's level of a Fetch Now that ended so}
FETCH_END_LEVELS = {"done": "success", "partial": "warning"}


class EcAccountResult(models.AbstractModel):
    """The Last Result of an EC account: what its last action (Test Connection, Detect, Load
    Locations, Activate Currency, Fetch Now and the end of its run) said, kept on the account as a
    message read in each reader's language, with its time and level; shown on the form's banner and
    the dashboard's card as well as in the action's notification."""

    _name = "ec.account.result"
    _description = "EC Account Last Result"

    # === FIELDS === #

    last_result_action = fields.Selection(
        selection=[
            ("test_connection", "Test Connection"),
            ("detect_ip", "Detect Server IP"),
            ("load_locations", "Load Locations from Coupang"),
            ("load_products", "Load Products from Coupang"),
            ("activate_currency", "Activate Currency"),
            ("fetch_now", "Fetch Now"),
        ],
        readonly=True,
        copy=False,
    )
    last_result_at = fields.Datetime(string="Last Result On", readonly=True, copy=False)
    last_result_level = fields.Selection(
        selection=[("success", "Success"), ("warning", "Warning"), ("danger", "Failed")],
        readonly=True,
        copy=False,
    )
    last_result, last_result_code, last_result_params, last_result_text = message_text_fields(
        "last_result", help="What the account's last action said.", copy=False, string="Last Result"
    )

    # === BUSINESS METHODS === #

    def _set_last_result(self, action, level, stored, title=None):
        """Keeps ``stored`` (a message) as the account's Last Result of ``action`` and returns the
        notification that says it now (``title``: the action's name by default). ``level``:
        success, warning or danger."""
        self.ensure_one()
        self.write(self._last_result_values(action, level, stored))
        return display_notification(title or self._last_result_title(action), render(self.env, stored), level)

    def _last_result_values(self, action, level, stored):
        return {
            "last_result_action": action,
            "last_result_level": level,
            "last_result_at": fields.Datetime.now(),
            **message_values("last_result", stored),
        }

    def _last_result_title(self, action):
        return dict(self._fields["last_result_action"]._description_selection(self.env))[action]

    def _fetch_now_ended(self, log):
        """The end of a Fetch Now's run (``log``): its Last Result, and a notification to the user who
        pressed it, in their language. The run keeps its log whatever happens here: a user saving the
        account meanwhile only leaves the Last Result as it was (the Last Fetch shows the run)."""
        self.ensure_one()
        stored = log._counts_message("fetch_ended", error=stored_message(log, "error"))
        level = FETCH_END_LEVELS.get(log.state, "danger")
        account = self.sudo()
        try:
            with self.env.cr.savepoint():
                account.write(self._last_result_values("fetch_now", level, stored))
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            _logger.info("The Last Result of EC account %s was being saved by a user; Fetch Now's is not kept", self.id)
            account.invalidate_recordset()
        self._notify_user(log.user_id, "fetch_now", level, stored)

    def _notify_user(self, user, action, level, stored):
        """A notification of ``stored`` for ``user``'s open browser tabs, in their language."""
        if not user:
            return
        env = self.with_context(lang=user.lang).env
        payload = {
            "title": f"{self.with_env(env)._last_result_title(action)}: {self.display_name}",
            "message": render(env, stored),
            "type": level,
            "sticky": False,
        }
        if hasattr(type(user), "_bus_send"):
            user.sudo()._bus_send("simple_notification", payload)
        else:
            self.env["bus.bus"].sudo()._sendone(user.partner_id, "simple_notification", payload)
