"""Gives the sale orders and review records imported before the store key theirs.

A shipment box is unique per Coupang store since 18.0.1.1.0. Where two accounts of one store
imported the same box before, only its first record gets the key: the later copies stay as they
were, for the user to cancel.
"""

from odoo.tools import SQL


def fill_store_keys(cr, table, account_column, box_column):
    store_key = SQL("account.coupang_market || ':' || btrim(account.coupang_vendor_id)")
    box = SQL.identifier("record", box_column)
    cr.execute(
        SQL(
            """
            WITH keyed AS (
                SELECT record.id, %(store_key)s AS store_key,
                       row_number() OVER (PARTITION BY %(store_key)s, %(box)s ORDER BY record.id) AS nth
                  FROM %(table)s record
                  JOIN ec_account account ON account.id = %(account)s
                 WHERE %(box)s IS NOT NULL AND btrim(coalesce(account.coupang_vendor_id, '')) != ''
            )
            UPDATE %(table)s SET ec_store_key = keyed.store_key
              FROM keyed
             WHERE keyed.id = %(table)s.id AND keyed.nth = 1 AND %(table)s.ec_store_key IS NULL
            """,
            store_key=store_key,
            box=box,
            table=SQL.identifier(table),
            account=SQL.identifier("record", account_column),
        )
    )


def migrate(cr, version):
    if not version:
        return
    fill_store_keys(cr, "sale_order", "ec_account_id", "coupang_shipment_box_id")
    fill_store_keys(cr, "ec_order_import", "account_id", "shipment_box_id")
