"""Keeps the Secret Key out of Odoo's logs: at DEBUG level, Odoo logs the arguments of every RPC
call (``odoo.api``), among them the values a manager types into the account's form."""

import logging
import re

SECRET_FIELDS = ("coupang_secret_key",)
# The loggers that write RPC calls' arguments: odoo.api.call_kw at DEBUG level.
RPC_LOGGERS = ("odoo.api",)
REDACTED = "'[redacted]'"
_SECRET_VALUE = re.compile(
    r"""(['"]?(?:%s)['"]?\s*[:=]\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""" % "|".join(SECRET_FIELDS)
)


class SecretRedactionFilter(logging.Filter):
    """Replaces the value of the secret fields in the record's message (a dict's or a keyword's)."""

    def filter(self, record):
        message = record.getMessage()
        if any(name in message for name in SECRET_FIELDS):
            record.msg = _SECRET_VALUE.sub(lambda match: match.group(1) + REDACTED, message)
            record.args = ()
        return True


def install():
    """Adds the filter to the RPC loggers, once per process."""
    for name in RPC_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, SecretRedactionFilter) for existing in logger.filters):
            logger.addFilter(SecretRedactionFilter())
