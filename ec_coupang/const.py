"""Constants shared by the addon's models and tools."""

from datetime import timedelta

COUPANG_MARKETS = [("TW", "Taiwan"), ("KR", "Korea")]
MARKET_COUNTRIES = {"TW": "base.tw", "KR": "base.kr"}
DEFAULT_COUPANG_BASE_URL = "https://api-gateway.coupang.com"

# System parameters of the server's outbound IP address (see tools/outbound_ip.py).
OUTBOUND_IP_PARAM = "ec_coupang.outbound_ip"
DETECTED_IP_PARAM = "ec_coupang.detected_outbound_ip"
IP_ECHO_URL_PARAM = "ec_coupang.ip_echo_url"
DEFAULT_IP_ECHO_URL = "https://api.ipify.org"

# Order fetching
DEFAULT_FETCH_FIRST_DAYS = 7
DEFAULT_RATE_LIMIT = 10.0  # calls per second per vendor (Coupang docs: technical-faq, 429)
FETCH_OVERLAP = timedelta(minutes=30)
# The statuses of boxes still to ship: new (ACCEPT, acknowledged by the fetch), and already in
# preparation (INSTRUCT: acknowledged by a fetch that stopped before importing it, or in Wing).
# Boxes Coupang still expects the seller to ship: the fetch reads them again to see cancellations.
OPEN_COUPANG_STATUSES = ("ACCEPT", "INSTRUCT")
# First key of the advisory lock a fetch holds on its account (pg_try_advisory_xact_lock(key, id)):
# the bytes of "ECCF" (ec_coupang fetch), so no other lock of the database uses it by chance.
FETCH_LOCK_KEY = 0x45434346
