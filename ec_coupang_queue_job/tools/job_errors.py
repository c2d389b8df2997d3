"""Coupang's errors as queue_job's: the transient ones (network, 429, 5xx, an unreadable answer) are
tried again after a pause; the others (a refusal, wrong keys, bad data) fail the job at once, with
the message the user reads elsewhere."""

from odoo.addons.ec_coupang.coupang import CoupangError, RateLimitedError
from odoo.addons.ec_coupang.tools.coupang_errors import coupang_error_message
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError


def job_error(env, error, message=None):
    """The queue_job exception to raise for ``error``; ``message`` is the text of the failure (by
    default Coupang's, as ``coupang_error_message`` puts it)."""
    message = message or coupang_error_message(env, error)
    if isinstance(error, CoupangError) and error.transient:
        # Coupang's Retry-After, else the job function's retry pattern.
        seconds = error.retry_after if isinstance(error, RateLimitedError) and error.retry_after else None
        return RetryableJobError(message, seconds=seconds and int(seconds) + 1)
    return FailedJobError(message)
