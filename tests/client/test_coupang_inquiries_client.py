"""Buyers' product questions and call-center inquiries, over real HTTP against the in-process Coupang
sandbox (Coupang docs: customer-service-api)."""

from datetime import date, datetime, timedelta, timezone

import pytest
from test_coupang_returns_client import carried_out, make_client

from coupang_sandbox import CoupangSandbox
from coupang_sandbox.inquiries import ALREADY_ANSWERED, CANNOT_ANSWER, CANNOT_CONFIRM
from ec_coupang.coupang import (
    CallCenterInquiry,
    MalformedResponseError,
    OversizedPageError,
    ProductInquiry,
    RequestRejectedError,
    ServiceUnavailableError,
    UnreadableInquiry,
)
from ec_coupang.coupang.inquiries import parse_call_center_inquiry, read_inquiry

TWT = timezone(timedelta(hours=8))
TODAY = date(2026, 3, 16)


@pytest.fixture
def sandbox():
    with CoupangSandbox(seed=59, tw_orders=0, kr_orders=0) as server:
        yield server


@pytest.fixture
def tw_client(sandbox):
    with make_client(sandbox, "TW") as coupang:
        yield coupang


@pytest.fixture
def order(sandbox):
    return sandbox.add_order("TW", items=[("CP-TEA-001", 2)], ordered_at=sandbox.now() - timedelta(days=2))


def today(client):
    return datetime.now(timezone.utc).astimezone(client.market_info.timezone).date()


def questions(client, **options):
    return list(client.iter_product_inquiries(today(client) - timedelta(days=1), today(client), **options))


def calls(client, **options):
    return list(client.iter_call_center_inquiries(today(client) - timedelta(days=1), today(client), **options))


# --- product questions ---


@pytest.mark.parametrize("market", ["TW", "KR"])
def test_product_questions_are_listed_with_the_order_they_concern(sandbox, market):
    order = sandbox.add_order(market, items=[("CP-TEA-001", 2)])
    asked = sandbox.ask_about(order.shipment_box_id, "何時出貨?")
    stranger = sandbox.ask_about(order.shipment_box_id, "有大包裝嗎?", ordered=False)
    with make_client(sandbox, market) as client:
        first, second = client.iter_product_inquiries(sandbox.now() - timedelta(hours=1), sandbox.now())
    assert isinstance(first, ProductInquiry)
    assert (first.inquiry_id, first.vendor_item_id, first.product_id) == (
        str(asked.inquiry_id),
        "80012340001",
        "13570001",
    )
    assert (first.content, first.order_ids, first.answered) == ("何時出貨?", (str(order.order_id),), False)
    assert first.asked_at == asked.asked_at.replace(microsecond=0)
    assert (second.inquiry_id, second.order_ids) == (str(stranger.inquiry_id), ())


def test_product_questions_are_read_7_days_a_call(sandbox, tw_client):
    list(tw_client.iter_product_inquiries(date(2026, 3, 1), TODAY, answered="NOANSWER"))
    windows = [(request.params["inquiryStartAt"], request.params["inquiryEndAt"]) for request in sandbox.requests]
    assert windows == [("2026-03-01", "2026-03-07"), ("2026-03-08", "2026-03-14"), ("2026-03-15", "2026-03-16")]
    assert {request.params["answeredType"] for request in sandbox.requests} == {"NOANSWER"}
    assert {request.params["pageSize"] for request in sandbox.requests} == {"50"}


def test_product_questions_page_by_page_number(sandbox, tw_client, order):
    asked = [sandbox.ask_about(order.shipment_box_id, f"問題 {index}") for index in range(5)]
    listed = questions(tw_client, page_size=2)
    assert [question.inquiry_id for question in listed] == [str(question.inquiry_id) for question in asked]
    assert [request.params["pageNum"] for request in sandbox.requests] == ["1", "2", "3"]


def test_a_product_question_is_answered_once(sandbox, tw_client, order):
    asked = sandbox.ask_about(order.shipment_box_id, "何時出貨?")
    assert tw_client.answer_product_inquiry(asked.inquiry_id, "明天出貨\n謝謝", "teashop01").message == "OK"
    (question,) = questions(tw_client, answered="ANSWERED")
    assert question.answered and question.replies[0].content == "明天出貨\n謝謝"
    assert questions(tw_client, answered="NOANSWER") == []
    with pytest.raises(RequestRejectedError, match=ALREADY_ANSWERED):
        tw_client.answer_product_inquiry(asked.inquiry_id, "再次回覆", "teashop01")
    assert sandbox.inquiries.answers == {(asked.inquiry_id, "answer"): 1}


def test_an_answer_needs_a_text(sandbox, tw_client):
    with pytest.raises(ValueError, match="text"):
        tw_client.answer_product_inquiry(844, "  ", "teashop01")
    assert sandbox.requests == []


def test_an_unknown_question_is_refused(sandbox, tw_client):
    with pytest.raises(RequestRejectedError, match=r"inquiryId \(999\) is not found"):
        tw_client.answer_product_inquiry(999, "回覆", "teashop01")


@pytest.mark.parametrize(("kind", "options"), [("delay", {"seconds": 1.0}), ("truncated", {})])
def test_a_lost_answer_shows_in_the_list_read_again(sandbox, order, kind, options):
    asked = sandbox.ask_about(order.shipment_box_id, "何時出貨?")
    sandbox.inject("answer_product_inquiry", kind, **options)
    with make_client(sandbox, "TW", timeout=(1, 0.5)) as client:
        with pytest.raises((ServiceUnavailableError, MalformedResponseError)) as caught:
            client.answer_product_inquiry(asked.inquiry_id, "明天出貨", "teashop01")
        assert caught.value.transient
        assert carried_out(sandbox, "answer_product_inquiry") == 200
        assert questions(client)[0].answered, "read again, the question shows its answer"
    assert len(sandbox.requests_to("answer_product_inquiry")) == 1
    assert sandbox.inquiries.answers == {(asked.inquiry_id, "answer"): 1}


# --- call-center inquiries ---


def test_a_call_center_inquiry_waiting_for_the_seller(sandbox, tw_client, order):
    inquiry = sandbox.call_center_inquiry(order.shipment_box_id, "請盡快出貨")
    (listed,) = calls(tw_client, status="NO_ANSWER")
    assert isinstance(listed, CallCenterInquiry)
    assert (listed.inquiry_id, listed.order_id, listed.vendor_item_ids) == (
        str(inquiry.inquiry_id),
        str(order.order_id),
        ("80012340001",),
    )
    assert (listed.inquiry_status, listed.counseling_status, listed.awaits_answer) == (
        "progress",
        "requestAnswer",
        True,
    )
    assert listed.ordered_at == order.ordered_at.astimezone(TWT).replace(microsecond=0)
    assert listed.reply_to_answer.author_type == "csAgent"
    assert calls(tw_client, status="ANSWER") == calls(tw_client, status="TRANSFER") == []


def test_a_call_center_inquiry_is_answered_once_under_the_agents_reply(sandbox, tw_client, order):
    sandbox.call_center_inquiry(order.shipment_box_id, "請盡快出貨")
    (listed,) = calls(tw_client, status="NO_ANSWER")
    parent = listed.reply_to_answer.reply_id
    tw_client.answer_call_center_inquiry(listed.inquiry_id, "今天出貨", "teashop01", parent)
    (answered,) = calls(tw_client, status="ANSWER")
    assert (answered.counseling_status, answered.awaits_answer) == ("answered", False)
    assert answered.replies[-1].content == "今天出貨" and answered.answered_at is not None
    assert calls(tw_client, status="NO_ANSWER") == []
    with pytest.raises(RequestRejectedError, match="can't be answer") as caught:
        tw_client.answer_call_center_inquiry(listed.inquiry_id, "再次回覆", "teashop01", parent)
    assert caught.value.coupang_message == CANNOT_ANSWER
    assert sandbox.inquiries.answers == {(int(listed.inquiry_id), "answer"): 1}


def test_an_answer_under_another_reply_is_refused(sandbox, tw_client, order):
    sandbox.call_center_inquiry(order.shipment_box_id, "請盡快出貨")
    (listed,) = calls(tw_client)
    with pytest.raises(RequestRejectedError, match="can't be answer"):
        tw_client.answer_call_center_inquiry(listed.inquiry_id, "今天出貨", "teashop01", 1)
    assert calls(tw_client, status="NO_ANSWER") != []


def test_a_transferred_inquiry_is_confirmed_not_answered(sandbox, tw_client, order):
    inquiry = sandbox.call_center_inquiry(order.shipment_box_id, "已退款", transfer=True)
    (listed,) = calls(tw_client, status="TRANSFER")
    assert (listed.inquiry_status, listed.awaits_answer) == ("complete", False)
    with pytest.raises(RequestRejectedError, match="can't be answer"):
        tw_client.answer_call_center_inquiry(listed.inquiry_id, "好的", "teashop01", listed.replies[0].reply_id)
    tw_client.confirm_call_center_inquiry(listed.inquiry_id, "teashop01")
    assert calls(tw_client, status="TRANSFER") == []
    with pytest.raises(RequestRejectedError, match="can't be confirmed") as caught:
        tw_client.confirm_call_center_inquiry(listed.inquiry_id, "teashop01")
    assert caught.value.coupang_message == CANNOT_CONFIRM
    assert sandbox.inquiries.answers == {(inquiry.inquiry_id, "confirm"): 1}


def test_call_center_inquiries_are_read_7_days_a_call_30_a_page(sandbox, tw_client):
    list(tw_client.iter_call_center_inquiries(date(2026, 3, 3), TODAY))
    assert [(request.params["inquiryStartAt"], request.params["inquiryEndAt"]) for request in sandbox.requests] == [
        ("2026-03-03", "2026-03-09"),
        ("2026-03-10", "2026-03-16"),
    ]
    assert {request.params["pageSize"] for request in sandbox.requests} == {"30"}
    assert {request.params["partnerCounselingStatus"] for request in sandbox.requests} == {"NONE"}


@pytest.mark.parametrize(
    ("method", "options", "message"),
    [
        ("iter_product_inquiries", {"answered": "NO_ANSWER"}, "answeredType"),
        ("iter_product_inquiries", {"page_size": 51}, "1 to 50"),
        ("iter_call_center_inquiries", {"status": "NOANSWER"}, "counseling status"),
        ("iter_call_center_inquiries", {"page_size": 31}, "1 to 30"),
    ],
)
def test_list_arguments_are_checked_before_any_call(sandbox, tw_client, method, options, message):
    with pytest.raises(ValueError, match=message):
        getattr(tw_client, method)(TODAY, TODAY, **options)
    with pytest.raises(ValueError, match="aware"):
        getattr(tw_client, method)(datetime(2026, 3, 1), TODAY)
    assert sandbox.requests == []


def test_an_oversized_inquiry_page_is_refused_with_its_rows_kept(sandbox, tw_client, order):
    for index in range(3):
        sandbox.ask_about(order.shipment_box_id, f"問題 {index}")
    sandbox.inject("product_inquiries", "oversized_page")
    with pytest.raises(OversizedPageError) as caught:
        questions(tw_client, page_size=2)
    assert caught.value.received == 3 and all(isinstance(row, UnreadableInquiry) for row in caught.value.rows)


def test_a_broken_inquiry_row_is_kept():
    kept = read_inquiry(parse_call_center_inquiry, {"inquiryId": 17, "replies": [{"answerId": "x"}]}, "TW")
    assert isinstance(kept, UnreadableInquiry) and kept.inquiry_id == "17"
    assert kept.reason.code == "unreadable_inquiry"
