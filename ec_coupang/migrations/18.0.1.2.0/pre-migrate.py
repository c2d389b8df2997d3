"""Upgrade to 18.0.1.2.0.

Reasons and errors are stored as a message code with its parameters since this version, and
shown in the reader's language. The texts stored before keep being shown as they were written:
their columns become the ``*_text`` fields each displayed text falls back to.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

STORED_TEXTS = (
    ("ec_order_import", "reason"),
    ("ec_fetch_log", "error"),
    ("ec_coupang_request", "reason"),
)


def migrate(cr, version):
    for table, column in STORED_TEXTS:
        if column_exists(cr, table, column) and not column_exists(cr, table, f"{column}_text"):
            cr.execute(
                SQL(
                    "ALTER TABLE %s RENAME COLUMN %s TO %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    SQL.identifier(f"{column}_text"),
                )
            )
