"""Upgrade to 18.0.1.3.0.

The message of an EC account's failed connection is stored as a message code with its parameters
since this version, and shown in the reader's language. A message stored before keeps being shown
as it was written: its column becomes ``connection_message_text``, which the banner falls back to.
"""

from odoo.tools.sql import column_exists, rename_column


def migrate(cr, version):
    if column_exists(cr, "ec_account", "connection_message") and not column_exists(
        cr, "ec_account", "connection_message_text"
    ):
        rename_column(cr, "ec_account", "connection_message", "connection_message_text")
