"""The markets table: what the client and the addon read of Korea and Taiwan."""

from datetime import datetime, timedelta, timezone

import pytest

from ec_coupang.coupang import KOREA_ONLY_CALLS, MARKETS, Market, get_market


def test_v5_date_offsets_are_the_markets_local_time():
    assert MARKETS["TW"].utc_offset == "+08:00"
    assert MARKETS["KR"].utc_offset == "+09:00"
    assert datetime(2026, 3, 1, tzinfo=MARKETS["TW"].timezone).isoformat().endswith(MARKETS["TW"].utc_offset)


@pytest.mark.parametrize(("hours", "minutes", "offset"), [(5, 30, "+05:30"), (-3, -30, "-03:30"), (0, 0, "+00:00")])
def test_utc_offset_writes_any_whole_minute_offset(hours, minutes, offset):
    zone = timezone(timedelta(hours=hours, minutes=minutes))
    assert Market("XX", "Test", "XXX", zone, "XX", answers_stop_shipment=False).utc_offset == offset


def test_market_is_found_by_its_code_in_any_case():
    assert get_market("tw") is MARKETS["TW"]
    assert get_market("KR").currency == "KRW"
    with pytest.raises(ValueError, match="use KR or TW"):
        get_market("JP")
    with pytest.raises(ValueError):
        get_market(None)


def test_only_korea_takes_the_answers_to_stop_shipment_requests():
    assert [code for code, market in MARKETS.items() if market.answers_stop_shipment] == ["KR"]


def test_korea_only_calls_are_offered_in_korea_only():
    assert KOREA_ONLY_CALLS == {"seller_product", "item_inventory", "item_quantity", "item_price", "item_sale_status"}
    assert all(MARKETS["KR"].offers(call) for call in KOREA_ONLY_CALLS)
    assert not any(MARKETS["TW"].offers(call) for call in KOREA_ONLY_CALLS)
    assert MARKETS["TW"].offers("seller_products") and MARKETS["TW"].offers("seller_cancel")
