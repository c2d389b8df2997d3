"""CEA HMAC-SHA256 signing, checked against vectors worked out from Coupang's documented algorithm."""

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest

from ec_coupang.coupang import authorization_header, compute_signature, encode_query, format_signed_date

SECRET = "worked-example-secret-0123456789abcdef"
ACCESS_KEY = "ak-worked-example"
SIGNED_DATE = "250729T030405Z"
MOMENT = datetime(2025, 7, 29, 3, 4, 5, tzinfo=timezone.utc)
ORDERS_PATH = "/v2/providers/openapi/apis/api/v5/vendors/A00012345/ordersheets"
ORDERS_QUERY = "createdAtFrom=2025-07-15%2B09:00&createdAtTo=2025-07-16%2B09:00&status=ACCEPT"
ACK_PATH = "/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets/acknowledgement"
# Computed once with `printf '%s' "<message>" | openssl dgst -sha256 -hmac "<secret>"`.
ORDERS_SIGNATURE = "005c087d666fec5a19e57e13da9c63d8acca2e79574d24eb0f73b89b25269fa8"
ACK_SIGNATURE = "08b50c6173ba60b9cc2330c491da94abb0c663c2f26b2aaf0a3b3290b149d7f9"


def documented_signature(secret, signed_date, method, path, query):
    """The documented composition, written out: signedDate + METHOD + path + query, hex HMAC-SHA256."""
    message = signed_date + method + path + query
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_signed_date_is_utc_with_two_digit_year():
    assert format_signed_date(MOMENT) == SIGNED_DATE
    taipei = MOMENT.astimezone(timezone(timedelta(hours=8)))
    assert format_signed_date(taipei) == SIGNED_DATE


def test_signed_date_refuses_a_naive_time():
    with pytest.raises(ValueError):
        format_signed_date(datetime(2025, 7, 29, 3, 4, 5))


def test_signed_date_defaults_to_now():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    signed = datetime.strptime(format_signed_date(), "%y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    assert before <= signed <= datetime.now(timezone.utc)


def test_signature_of_a_query_matches_the_worked_vector():
    signature = compute_signature(SECRET, SIGNED_DATE, "GET", ORDERS_PATH, ORDERS_QUERY)
    assert signature == ORDERS_SIGNATURE
    assert signature == documented_signature(SECRET, SIGNED_DATE, "GET", ORDERS_PATH, ORDERS_QUERY)


def test_signature_without_query_signs_nothing_after_the_path():
    # Also the form of POST and PUT calls: their body is never signed.
    assert compute_signature(SECRET, SIGNED_DATE, "put", ACK_PATH) == ACK_SIGNATURE
    assert ACK_SIGNATURE == documented_signature(SECRET, SIGNED_DATE, "PUT", ACK_PATH, "")


def test_authorization_header_format():
    header = authorization_header(ACCESS_KEY, SECRET, "GET", ORDERS_PATH, ORDERS_QUERY, moment=MOMENT)
    assert header == (
        f"CEA algorithm=HmacSHA256, access-key={ACCESS_KEY}, signed-date={SIGNED_DATE}, signature={ORDERS_SIGNATURE}"
    )
    assert SECRET not in header


def test_query_encodes_plus_and_keeps_colon_and_order():
    query = encode_query(
        [("createdAtFrom", "2025-07-15+09:00"), ("createdAtTo", "2025-07-16+09:00"), ("status", "ACCEPT")]
    )
    assert query == ORDERS_QUERY


def test_query_leaves_out_none_and_encodes_the_rest():
    query = encode_query({"b": "x y", "a": None, "name": "全家", "tilde": "a~b", "n": 50})
    assert query == "b=x%20y&name=%E5%85%A8%E5%AE%B6&tilde=a~b&n=50"
    assert encode_query({}) == ""
