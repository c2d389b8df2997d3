"""Constants shared by the addon's models and tools."""

from datetime import timedelta

from .coupang import MARKETS

# The markets are the client's table (coupang/markets.py), Taiwan first.
COUPANG_MARKETS = [(market.code, market.name) for market in MARKETS.values()]
DEFAULT_COUPANG_MARKET = "TW"
DEFAULT_COUPANG_BASE_URL = "https://api-gateway.coupang.com"

# Coupang's taxReceiptInfo (extraProperties, notice 2025-12-05): the Taiwan e-invoice (e-GUI) request.
RECEIPT_OPTIONS = [("PAPER", "Paper Invoice"), ("E-GUI", "E-Invoice (e-GUI)")]
RECEIPT_TYPES = [
    ("PERSONAL_COUPANG_MEMBER_CARRIER", "Coupang Member Carrier"),
    ("PERSONAL_MOBILE_BARCODE_CARRIER", "Mobile Barcode Carrier"),
    ("DONATION", "Donation"),
    ("BUSINESS", "Business (Uniform Invoice Number)"),
]

# Coupang's Open API keys are valid 180 days; Wing offers to reissue one 14 days before it expires
# (coupang-api.md, "Key lifecycle": [DCC-EN] 20288952179993).
KEY_VALIDITY = timedelta(days=180)
KEY_RENEWAL_NOTICE = timedelta(days=14)
# The fields of the Open API keys: entering one dates the keys anew.
KEY_FIELDS = {"coupang_access_key", "coupang_secret_key"}

# System parameters of the server's outbound IP address (see tools/outbound_ip.py).
OUTBOUND_IP_PARAM = "ec_coupang.outbound_ip"
DETECTED_IP_PARAM = "ec_coupang.detected_outbound_ip"
IP_ECHO_URL_PARAM = "ec_coupang.ip_echo_url"
DEFAULT_IP_ECHO_URL = "https://api.ipify.org"

# Recording of the Coupang exchanges, off unless a folder is named (see the README's "Recording a
# real store's exchanges"): the system parameter, else the environment variable.
RECORD_DIR_PARAM = "ec_coupang.record_dir"
RECORD_DIR_ENV = "EC_COUPANG_RECORD_DIR"
RECORD_HIDE_VENDOR_ID_PARAM = "ec_coupang.record_hide_vendor_id"

# Order fetching
DEFAULT_FETCH_FIRST_DAYS = 7
# Seconds a fetch run may go on before it stops between pages or orders; the next run goes on.
FETCH_TIME_BUDGET_PARAM = "ec_coupang.fetch_time_budget"
DEFAULT_FETCH_TIME_BUDGET = 20 * 60
# The client's tries when a person waits for the call (a button): one more at once, no pause.
PERSON_WAITS_RETRIES = {"retries": 1, "backoff_factor": 0}

# Buyers' data: how long Coupang's raw data (the buyer's name, phone, address) stays on a closed
# record, and the records that keep it {model: field}.
DEFAULT_BUYER_DATA_DAYS = 90
BUYER_DATA_FIELDS = {"ec.order.import": "payload", "ec.coupang.request": "payload"}
# A fetch run's result, on its log and as the account's last fetch. A static list: Odoo translates
# the labels of static selections only.
FETCH_LOG_STATES = [
    ("queued", "Requested"),
    ("running", "Running"),
    ("done", "Done"),
    ("partial", "Done with Orders to Review"),
    ("failed", "Stopped by an Error"),
    ("skipped", "Skipped"),
]
DEFAULT_RATE_LIMIT = 10.0  # calls per second per vendor (Coupang docs: technical-faq, 429)
FETCH_OVERLAP = timedelta(minutes=30)
# A fetch whose window is this long at most, since the account's watermark, reads Coupang's order
# lists to the minute (a call per day of the window and status) instead of whole days, which would
# list every open order of those days again; a first fetch or one after a longer pause reads by day.
MINUTE_FETCH_MAX_SPAN = timedelta(days=7)
# First key of the advisory lock a fetch holds on its account (pg_try_advisory_xact_lock(key, id)):
# the bytes of "ECCF" (ec_coupang fetch), so no other lock of the database uses it by chance.
FETCH_LOCK_KEY = 0x45434346

# Cancellations and returns (ec.coupang.request): the lock of an account's requests check, the bytes
# of "ECCR" (ec_coupang requests), and the lists it reads, (cancelType, status) (Coupang docs:
# return-api/lookup-return-request-list-per-minute; stop-shipment requests are RETURN under RU).
REQUEST_LOCK_KEY = 0x45434352
# Under the cron, the imports of one company take turns (see ec.coupang.importer._stock_turn).
STOCK_LOCK_KEY = 0x45434353
# Context key: the deliveries confirmed under it are not reserved yet (stock.move._action_assign does
# nothing). An order imported on its own reserves its deliveries after its confirmation, in a savepoint
# of their own (a delivery that cannot be reserved keeps its order); with ec_coupang_queue_job, a page
# job's reservation job reserves them: page jobs running together would otherwise update the same stock
# quants, which PostgreSQL's repeatable read refuses to all but one of them.
DEFER_RESERVATION = "ec_coupang_defer_reservation"
# Context key: while a page of orders is confirmed under it ({"created": [], "origins": []}), the
# chatter notes of its new deliveries, which Odoo logs one delivery at a time (the creation note, then
# the note that sale_stock posts to link each to its sale order), are noted there, and the page logs
# them with one insert each (stock.picking._log_delivery_notes).
DELIVERY_NOTES = "ec_coupang_delivery_notes"
ORIGIN_LINK_VIEW = "mail.message_origin_link"
# CC too: a stop-shipment request the seller answered in Wing before a check saw it is listed as
# completed only, and its units must still come off the delivery.
REQUEST_LISTS = (("CANCEL", None), ("RETURN", "RU"), ("RETURN", "UC"), ("RETURN", "CC"))

# The tracking push: deliveries a cron run (or a queue_job batch) takes. Its retry policy is
# ec.tracking.push.sender's.
PUSH_BATCH_SIZE = 50

# What a Coupang request means for an order or a delivery, most pressing first.
REQUEST_DISPLAY_STATES = [
    ("failed", "Request Not Applied"),
    ("stop_requested", "Stop Requested"),
    ("return_to_receive", "Return to Receive"),
    ("return_to_approve", "Return to Approve"),
    ("shipped_after_stop", "Shipped Despite Stop Request"),
    ("stopped", "Shipment Stopped"),
    ("returned", "Returned"),
]

# Stock to Coupang (Korea): the queue ec.stock.push. A changed item waits this many seconds (system
# parameter) so that the changes of one item in that time go as one call with the last value.
STOCK_COALESCING_PARAM = "ec_coupang.stock_coalescing_seconds"
DEFAULT_STOCK_COALESCING = 60
# Items a run of the stock cron sends at most, and the seconds after which it stops between two
# items: the next run (every minute) goes on.
STOCK_BATCH_SIZE = 1000
STOCK_TIME_BUDGET = 50
