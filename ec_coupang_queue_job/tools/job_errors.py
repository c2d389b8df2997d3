"""Coupang's errors as queue_job's: the transient ones (network, 429, 5xx, an unreadable answer) are
tried again after a pause; the others (a refusal, wrong keys, bad data) fail the job at once.

The exception keeps why as a message (a code and its parameters, ``coupang_errors.message``): the job
stores it (``queue.job.ec_error_code`` / ``ec_error_params``) and shows it in the reader's language.
queue_job's own ``exc_message`` keeps the text in the language the job ran in, as queue_job writes it.
"""

from odoo.addons.ec_coupang.coupang import CoupangError, RateLimitedError
from odoo.addons.ec_coupang.tools.coupang_errors import MessageError, error_message, render
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError


def failed_job_error(env, reason):
    """queue_job's FailedJobError (a person acts, then requeues the job) for ``reason`` (a message),
    which it keeps as ``ec_reason``."""
    error = FailedJobError(render(env, reason))
    error.ec_reason = reason
    return error


def retryable_job_error(env, reason, seconds=None):
    """queue_job's RetryableJobError (the job is tried again later) for ``reason`` (a message)."""
    error = RetryableJobError(render(env, reason), seconds=seconds)
    error.ec_reason = reason
    return error


def job_error(env, error, reason=None):
    """The queue_job exception to raise for ``error``; ``reason`` is the message of the failure (by
    default the error's own, as ``coupang_errors.error_message`` puts it)."""
    reason = reason or error_message(error)
    if isinstance(error, CoupangError) and error.transient:
        # Coupang's Retry-After, else the job function's retry pattern.
        seconds = error.retry_after if isinstance(error, RateLimitedError) and error.retry_after else None
        return retryable_job_error(env, reason, seconds=seconds and int(seconds) + 1)
    return failed_job_error(env, reason)


def failure_reason(exception):
    """Why a job stopped, as a message, from the exception it raised or the one it was raised from
    (queue_job's "Max. retries reached" is raised from the job's last retryable error); None for an
    error the addon did not raise."""
    while exception is not None:
        if getattr(exception, "ec_reason", None):
            return exception.ec_reason
        if isinstance(exception, CoupangError | MessageError):
            return error_message(exception)
        exception = exception.__cause__
    return None
