from odoo import models
from odoo.exceptions import UserError

from ..coupang import CoupangError
from ..tools.coupang_errors import error_message, render
from ..tools.notifications import display_notification

# The records one click retries: a person waits while each of them is sent to Coupang.
BULK_RETRY_LIMIT = 20
# The records whose reason the summary quotes; the list shows the reasons of the others.
QUOTED_REASONS = 3


class EcBulkRetry(models.AbstractModel):
    """Retry of the records selected in a list: each on its own, one's failure never stopping the
    others, with one notification that sums up what became of them; the list stays."""

    _name = "ec.bulk.retry.mixin"
    _description = "Retry of Selected Coupang Records"

    # The states in which a record still waits for a person after its retry: the summary says why.
    _bulk_retry_open_states = ("failed",)

    def _retry_in_bulk(self, retry, title):
        """``retry(record)`` for each selected record that is not done, at most ``BULK_RETRY_LIMIT``;
        a record ``retry`` could not start (a ``UserError`` or ``CoupangError``, e.g. its account has
        no credentials, or a check applies it right now) is reported, and the others go on. Returns
        the notification that sums it up. The caller checked the user's rights on every record."""
        pending = self.filtered(lambda record: record.state != "done")
        taken = pending[:BULK_RETRY_LIMIT]
        not_started = {}
        for record in taken:
            try:
                retry(record)
            except (UserError, CoupangError) as error:
                not_started[record] = render(self.env, error_message(error))
        return display_notification(
            title,
            " ".join(
                filter(
                    None,
                    [
                        taken._bulk_retry_counts(),
                        taken._bulk_retry_reasons(not_started),
                        self._bulk_retry_left_out(len(self) - len(pending), len(pending) - len(taken)),
                    ],
                )
            ),
            "warning" if not_started or taken._bulk_retry_open() else "success",
        )

    def _bulk_retry_open(self):
        return self.filtered(lambda record: record.state in self._bulk_retry_open_states)

    def _bulk_retry_counts(self):
        """How many of the records are in each state, e.g. "Imported: 2, Held: 1."."""
        if not self:
            return ""
        states = self.mapped("state")
        counts = [
            self.env._("%(state)s: %(count)s", state=label, count=states.count(state))
            for state, label in self._fields["state"]._description_selection(self.env)
            if state in states
        ]
        return self.env._("%(counts)s.", counts=", ".join(counts))

    def _bulk_retry_reasons(self, not_started):
        """Why the first records that still wait for a person (or could not be retried) do."""
        waiting = [(record, not_started[record]) for record in self if record in not_started]
        waiting += [(record, record.reason) for record in self._bulk_retry_open() if record not in not_started]
        quoted = [
            self.env._("%(record)s: %(reason)s", record=record.display_name, reason=reason)
            for record, reason in waiting[:QUOTED_REASONS]
        ]
        if len(waiting) > QUOTED_REASONS:
            quoted.append(self.env._("%s more: see the list.", len(waiting) - QUOTED_REASONS))
        return " ".join(quoted)

    def _bulk_retry_left_out(self, done, over_limit):
        """The selected records that were not retried: done already, or over the bound of a click."""
        texts = []
        if done:
            texts.append(self.env._("%s selected were done already.", done))
        if over_limit:
            texts.append(
                self.env._(
                    "%(count)s more selected were not retried: at most %(limit)s are retried at a time. "
                    "Select them and retry again.",
                    count=over_limit,
                    limit=BULK_RETRY_LIMIT,
                )
            )
        return " ".join(texts)
