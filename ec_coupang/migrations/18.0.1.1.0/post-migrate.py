"""Upgrade to 18.0.1.1.0.

- The sale orders and review records imported before get their store key. A shipment box is
  unique per Coupang store since this version. Where two accounts of one store imported the same
  box before, only its first record gets the key: the later copies stay as they were, for the user
  to cancel.
- The tracking push state moves from stock_picking's columns to one ec.tracking.push row per
  delivery, and the push scheduled action (a noupdate record) to that model.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

PICKING_PUSH_COLUMNS = (
    "ec_push_state",
    "ec_push_message",
    "ec_push_attempts",
    "ec_push_next_attempt_at",
    "ec_pushed_at",
    "ec_pushed_tracking_ref",
    "ec_pushed_delivery_company_code",
    "ec_pushed_vendor_item_ids",
)


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


def move_push_state_to_queue(cr):
    if not column_exists(cr, "stock_picking", "ec_push_state"):
        return
    cr.execute(
        """INSERT INTO ec_tracking_push (
               picking_id, sale_order_id, account_id, company_id, state, message_text, attempts, next_attempt_at,
               pushed_at, pushed_tracking_ref, pushed_delivery_company_code, pushed_vendor_item_ids,
               create_uid, create_date, write_uid, write_date)
           SELECT picking.id, picking.sale_id, sale.ec_account_id, picking.company_id, picking.ec_push_state,
                  picking.ec_push_message, COALESCE(picking.ec_push_attempts, 0), picking.ec_push_next_attempt_at,
                  picking.ec_pushed_at, picking.ec_pushed_tracking_ref, picking.ec_pushed_delivery_company_code,
                  picking.ec_pushed_vendor_item_ids,
                  %(root)s, NOW() AT TIME ZONE 'UTC', %(root)s, NOW() AT TIME ZONE 'UTC'
             FROM stock_picking picking
             JOIN sale_order sale ON sale.id = picking.sale_id
            WHERE picking.ec_push_state IS NOT NULL OR picking.ec_pushed_tracking_ref IS NOT NULL""",
        {"root": SUPERUSER_ID},
    )
    for column in PICKING_PUSH_COLUMNS:
        cr.execute(SQL("ALTER TABLE stock_picking DROP COLUMN IF EXISTS %s", SQL.identifier(column)))
    # The order's state is computed from the push rows now, no longer stored.
    cr.execute("ALTER TABLE sale_order DROP COLUMN IF EXISTS ec_push_state")
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("ec_coupang.ir_cron_ec_push_tracking", raise_if_not_found=False)
    if cron:
        cron.write({"model_id": env["ir.model"]._get_id("ec.tracking.push")})


def migrate(cr, version):
    if not version:
        return
    fill_store_keys(cr, "sale_order", "ec_account_id", "coupang_shipment_box_id")
    fill_store_keys(cr, "ec_order_import", "account_id", "shipment_box_id")
    move_push_state_to_queue(cr)
