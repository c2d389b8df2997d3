"""The sandbox is at least as strict as Coupang's documentation: each rule with the doc page it
comes from, over raw signed HTTP. Where the docs disagree or are silent, the strictest reading
(README, "The sandbox's rules")."""

import pytest

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.gateway import INVALID_VENDOR_ID, WRONG_REGION
from coupang_sandbox.store import MARKET_TIMEZONES
from odoo.addons.ec_coupang.coupang import authorization_header

from .test_coupang_sandbox import call, orders_path
from .test_coupang_sandbox_returns import RETURNS_PATH


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=17, tw_orders=0, kr_orders=0) as server:
        yield server


def local_now(sandbox, market="TW"):
    return sandbox.now().astimezone(MARKET_TIMEZONES[market]).replace(second=0, microsecond=0, tzinfo=None)


# --- headers ---


def test_a_taiwan_vendor_must_name_the_market(sandbox):
    """X-MARKET: TW is required for Taiwan (study 1 and 8.2); no default is documented."""
    path = RETURNS_PATH.format(version="v6")
    day = local_now(sandbox).date().isoformat()
    query = f"createdAtFrom={day}&createdAtTo={day}&status=UC"
    missing = call(sandbox, "GET", path, query, headers={"X-MARKET": None})
    assert (missing.status_code, missing.json()["message"]) == (401, WRONG_REGION)
    assert call(sandbox, "GET", path, query, market="JP").status_code == 400
    korean = sandbox.add_vendor("A00054321", "korean-access-key", "korean-secret-key", markets=("KR",))
    korean_path = path.replace(sandbox.demo_vendor.vendor_id, korean.vendor_id)

    def korean_call(**headers):
        authorization = authorization_header(korean.access_key, korean.secret_key, "GET", korean_path, query)
        headers = {"X-Requested-By": korean.vendor_id, **headers}
        return call(sandbox, "GET", korean_path, query, authorization=authorization, headers=headers)

    assert korean_call(**{"X-MARKET": None}).status_code == 200, "a Korea-only vendor may leave it out"
    elsewhere = korean_call(**{"X-MARKET": "TW"})
    assert (elsewhere.status_code, elsewhere.json()["message"]) == (401, WRONG_REGION)


@pytest.mark.parametrize("requested_by", [None, "A00099999"])
def test_x_requested_by_must_name_the_keys_vendor(sandbox, requested_by):
    """X-Requested-By: the vendorId, in every official sample (study 1); a wrong or missing one is
    answered as a vendorId that is not the key's (Coupang docs: return-api/lookup-return-cancel-list-per-day)."""
    reply = call(sandbox, "GET", orders_path(), "createdAtFrom=2026-03-01&createdAtTo=2026-03-01&status=ACCEPT",
                 headers={"X-Requested-By": requested_by})  # fmt: skip
    assert (reply.status_code, reply.json()["message"]) == (400, INVALID_VENDOR_ID)
