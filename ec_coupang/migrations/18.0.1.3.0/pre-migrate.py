"""Upgrade to 18.0.1.3.0.

What an EC account's failed connection, a tracking push and each of its attempts say is stored as a
message code with its parameters since this version, and shown in the reader's language. The texts
stored before keep being shown as they were written: their columns become the ``*_text`` fields
each displayed text falls back to.
"""

from odoo.tools.sql import column_exists, rename_column

STORED_TEXTS = (
    ("ec_account", "connection_message"),
    ("ec_tracking_push", "message"),
    ("ec_tracking_push_attempt", "message"),
)


def migrate(cr, version):
    for table, column in STORED_TEXTS:
        if column_exists(cr, table, column) and not column_exists(cr, table, f"{column}_text"):
            rename_column(cr, table, column, f"{column}_text")
