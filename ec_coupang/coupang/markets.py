"""Coupang's markets, the one table the client and the addon read.

Coupang's developer portal marks each call with the buyers' regions it serves ("API 적용 가능한
구매자 사용자 지역": "한국" Korea only, "한국, 대만" Korea and Taiwan; study 8.1 and 13).
"""

from dataclasses import dataclass
from datetime import timedelta, timezone

# Calls beyond the order that the help center marks "한국" only (study 13): one product's lookup
# with its vendor items (article 360033644994), while the product list serves both markets
# (article 360033645034); a vendor item's stock, price and sale status, read or changed (articles
# 360033645114, 360034156253, 360034156273, 360034156313, 360033645154).
KOREA_ONLY_CALLS = frozenset({"seller_product", "item_inventory", "item_quantity", "item_price", "item_sale_status"})


@dataclass(frozen=True)
class Market:
    """One Coupang market: ``code`` is what ``X-MARKET`` carries."""

    code: str
    name: str
    currency: str  # what prices v4 plain numbers (v5 money objects name theirs)
    # The market's local time, in which Coupang cuts its lists by day and writes the times it sends
    # without an offset (study 4.2, 8.5 and 13).
    timezone: timezone
    country: str  # ISO 3166 code of the buyers' addresses
    # The answers to a stop-shipment request (stoppedShipment, completedShipment) are marked "한국"
    # only (help center articles 360034320673 and 360033793034); the requests list, single read,
    # receipt and approval serve both markets (articles 360033919613, 360034562353, 360034027214,
    # 360034562513).
    answers_stop_shipment: bool

    def offers(self, call):
        """Whether Coupang offers ``call`` (a name of :class:`~.errors.NotAvailableInMarketError`) here."""
        return self.code == "KR" or call not in KOREA_ONLY_CALLS

    @property
    def utc_offset(self):
        """The offset of the v5 date parameters, e.g. ``+08:00`` (Taiwan: study 8.5)."""
        minutes = int(self.timezone.utcoffset(None) / timedelta(minutes=1))
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# Taiwan first: the market a new account starts with.
MARKETS = {
    market.code: market
    for market in (
        Market("TW", "Taiwan", "TWD", timezone(timedelta(hours=8)), "TW", answers_stop_shipment=False),
        Market("KR", "Korea", "KRW", timezone(timedelta(hours=9)), "KR", answers_stop_shipment=True),
    )
}


def get_market(code):
    """The :class:`Market` of ``code`` (``KR`` or ``TW``, any case); ``ValueError`` for another."""
    found = MARKETS.get((code or "").upper())
    if found is None:
        raise ValueError(f"Unknown Coupang market {code!r}: use {' or '.join(sorted(MARKETS))}.")
    return found
