"""Coupang's documented example responses (tests/fixtures/coupang_docs) read by the real client.

Each example goes through the client as Coupang's answer to the call its page documents, and the
typed result is checked field by field against the values on the page: ids as strings, money with
its currency, times aware in the market's time, items, and per-box results. The sandbox is not
involved: these shapes are Coupang's, not the sandbox's rendering.
"""

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from doc_transport import answering, doc_example, doc_json

from ec_coupang.coupang import (
    BoxResult,
    CoupangClient,
    InquiryReply,
    InvoiceEntry,
    ItemAttribute,
    ItemChange,
    ItemInventory,
    Money,
    Orderer,
    OrderItem,
    PlaceAddress,
    Receiver,
    Requester,
    RequestRejectedError,
    ReturnAnswer,
    ReturnDelivery,
    ReturnItem,
    ReturnRequest,
    SellerCancel,
    ServiceUnavailableError,
    TaxReceipt,
    VendorItem,
    parse_order_sheets,
    parse_return_requests,
)
from ec_coupang.coupang.parsing import parse_outbound_place

KST, TWT = timezone(timedelta(hours=9)), timezone(timedelta(hours=8))
LAST_PAGE = json.dumps({"code": 200, "message": "OK", "data": [], "nextToken": ""}).encode()


def won(amount):
    return Money(Decimal(amount), "KRW")


def make_client(market="KR", api_version="v4"):
    return CoupangClient("A00012345", "access", "secret", market=market, api_version=api_version, retries=0)


@pytest.fixture
def client():
    with make_client() as coupang:
        yield coupang


@pytest.fixture
def tw_client():
    with make_client("TW", "v5") as coupang:
        yield coupang


# --- order sheets ---

FIRST_SHEET_ITEM = OrderItem(
    vendor_item_id="3242596358",
    vendor_item_name="인디고뱅크키즈 기모 테잎배색 트레이닝 팬츠 IKTM17WG1, 07 DARK GREY, 160호",
    seller_product_id="80240831",
    seller_product_name="인디고뱅크키즈 A5 기모 배색츄키니 IKTM17WG1",
    seller_product_item_name="07 DARK GREY 160호",
    external_vendor_sku_code="170816368810",
    shipping_count=1,
    cancel_count=0,
    hold_count_for_cancel=0,
    sales_price=won(19900),
    order_price=won(19900),
    discount_price=won(0),
    instant_coupon_discount=won(0),
    downloadable_coupon_discount=won(0),
    coupang_discount=won(0),
    estimated_shipping_date=date(2017, 10, 16),
    canceled=False,
)


def read_day_list(client, fixture):
    answers = answering(client, doc_example(fixture), LAST_PAGE)
    sheets = list(client.iter_order_sheets(date(2017, 10, 10), date(2017, 10, 10), "FINAL_DELIVERY"))
    return sheets, answers


def test_order_list_per_day_v4(client):
    sheets, answers = read_day_list(client, "lookup-order-list-per-day")
    assert [sheet.shipment_box_id for sheet in sheets] == ["448531493", "448537989"]
    # The page's nextToken is the next page's request.
    assert "nextToken=448537989" in answers.sent[1].url
    first, second = sheets
    assert (first.order_id, first.status, first.currency) == ("22000009546234", "FINAL_DELIVERY", "KRW")
    assert first.ordered_at == first.paid_at == datetime(2017, 10, 10, 10, 20, 16, tzinfo=KST)
    assert (first.shipping_price, first.remote_price) == (won(2500), None)
    assert first.orderer == Orderer("신*희", "eu*****@na", "0503-**-5464", "")
    assert first.receiver == Receiver(
        "신*희", "0503-**-5464", "", "경기 오산시 가수동 **아파트", "109동 *호", "447-700"
    )
    assert first.items == (FIRST_SHEET_ITEM,)
    assert (first.split_shipping, first.able_split_shipping, first.is_cod) == (False, False, False)
    assert (first.delivery_company_name, first.invoice_number) == ("CJ 대한통운", "340010913442")
    assert (first.parcel_print_message, first.shipment_type, first.tax_receipt) == ("문 앞", "", None)
    assert first.coupang_total == Decimal(22400)
    assert first.delivery.kind == "home"
    assert second.ordered_at == datetime(2017, 10, 10, 10, 35, 4, tzinfo=KST)
    assert (second.shipping_price, second.parcel_print_message) == (won(0), "직접 받고 부재 시 문 앞")
    assert second.receiver.safe_number == "0502-344-6681"
    assert [(item.vendor_item_id, item.sales_price, item.estimated_shipping_date) for item in second.items] == [
        ("3261300431", won(49900), date(2017, 10, 16))
    ]
    assert second.coupang_total == Decimal(49900)


def test_order_list_per_minute_v4():
    sheets = parse_order_sheets(doc_json("lookup-order-list-per-minute")["data"], "KR")
    first, second = sheets
    assert (first.shipment_box_id, first.order_id) == ("448531493", "22000009546234")
    assert first.receiver == Receiver(
        "신*희", "0502-344-6681", "", "경기 광명시 하안1동 두산트레지움아파트", "107동701호", "423-747"
    )
    assert first.items == (FIRST_SHEET_ITEM,)
    assert second.receiver == Receiver(
        "김*숙", "0503-**-5013", "", "경기도 고양시 일산동구 백석동 **아파트", "303-*", "104-48"
    )
    assert second.orderer.safe_number == "0503-**-5013"


def test_older_order_list_per_minute_with_fields_missing_or_null():
    """The older minute page's sheets lack sellerProductId, discountPrice, cancelCount... and send
    null SKUs and parcel messages: every one is still read, with the missing values empty."""
    sheets = parse_order_sheets(doc_json("lookup-order-list-per-minute.season-1")["data"], "KR")
    assert [sheet.shipment_box_id for sheet in sheets] == [
        "102392027",
        "102392028",
        "102392030",
        "102392031",
        "102392033",
        "102392034",
    ]
    first = sheets[0]
    assert (first.order_id, first.status, first.able_split_shipping) == ("500000693", "ACCEPT", True)
    assert first.ordered_at == datetime(2015, 12, 14, 14, 16, 18, tzinfo=KST)
    assert first.orderer == Orderer("김문근", "mg*****@co", "0501-111-2222", "")
    assert first.receiver == Receiver("test", "0501-111-2222", "", "addr1", "addr2", "427-070")
    assert (first.parcel_print_message, first.remote_price, first.invoice_number) == ("", None, "")
    assert [
        (item.vendor_item_id, item.external_vendor_sku_code, item.seller_product_id, item.sales_price)
        for item in first.items
    ] == [("3000000168", "", "", won(9999)), ("3000000171", "", "", won(20000))]
    assert {(item.cancel_count, item.hold_count_for_cancel, item.discount_price) for item in first.items} == {
        (0, 0, won(0))
    }
    assert first.coupang_total == Decimal(33499)


def assert_documented_single_sheet(sheet):
    assert (sheet.shipment_box_id, sheet.order_id, sheet.status) == ("102392001", "500000596", "FINAL_DELIVERY")
    assert sheet.ordered_at == sheet.paid_at == datetime(2017, 10, 6, 22, 59, 37, tzinfo=KST)
    assert (sheet.shipping_price, sheet.remote_price) == (won(2500), won(0))
    assert sheet.orderer == Orderer("김문근", "mg*****@co", "0501-111-2222", "")
    assert sheet.receiver == Receiver("test", "0501-111-2222", "", "addr1", "addr2", "284-60")
    (item,) = sheet.items
    assert (item.vendor_item_id, item.seller_product_id, item.external_vendor_sku_code) == (
        "3000000177",
        "26758514",
        "800022867",
    )
    assert (item.vendor_item_name, item.seller_product_item_name) == (
        "러비더비 섬유향수 보솔레이, 500ml",
        "01_보솔레이 500ml",
    )
    assert (item.sales_price, item.order_price, item.discount_price) == (won(14000), won(14000), won(0))
    assert (item.quantity_to_ship, item.estimated_shipping_date) == (1, date(2017, 10, 12))
    assert (sheet.parcel_print_message, sheet.invoice_number) == ("", "337398446274")
    assert sheet.coupang_total == Decimal(16500)


def test_order_book_by_shipment_box_id(client):
    answers = answering(client, doc_example("lookup-order-book"))
    assert_documented_single_sheet(client.get_order_sheet("102392001"))
    assert answers.sent[0].path_url == "/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets/102392001"


def test_order_sheets_by_order_id_as_one_object(client):
    """The page's example answers ``data`` as one object, not a list."""
    answering(client, doc_example("lookup-order-by-orderid"))
    (sheet,) = client.get_order_sheets_by_order_id("500000596")
    assert_documented_single_sheet(sheet)


def test_order_list_v5_reads_as_the_documented_v4_list():
    """The v5 variant (money objects, ISO times with offset) of the per-day example: the same sheets."""
    with make_client(api_version="v5") as v5_client, make_client() as v4_client:
        v5_sheets, answers = read_day_list(v5_client, "lookup-order-list-per-day.v5.study")
        v4_sheets, _ = read_day_list(v4_client, "lookup-order-list-per-day")
    assert "createdAtFrom=2017-10-10%2B09:00" in answers.sent[0].url
    assert v5_sheets == v4_sheets
    assert v5_sheets[0].items == (FIRST_SHEET_ITEM,)


def test_taiwan_order_list_v5(tw_client):
    sheets, answers = read_day_list(tw_client, "lookup-order-list-per-day.v5-tw.study")
    assert "createdAtFrom=2017-10-10%2B08:00" in answers.sent[0].url
    assert answers.sent[0].headers["X-MARKET"] == "TW"
    (sheet,) = sheets
    assert (sheet.shipment_box_id, sheet.order_id, sheet.currency) == ("853138000000005666", "31000012345678", "TWD")
    assert sheet.ordered_at == datetime(2025, 8, 1, 13, 5, 22, 123456, tzinfo=TWT)
    assert sheet.paid_at == datetime(2025, 8, 1, 13, 5, 40, tzinfo=TWT)
    assert (sheet.shipping_price, sheet.remote_price) == (Money(Decimal(60), "TWD"), None)
    assert sheet.receiver == Receiver("王*明", "+886 912 345 678", "", "臺北市信義區...", "10樓", "110")
    (item,) = sheet.items
    assert (item.vendor_item_id, item.external_vendor_sku_code, item.shipping_count) == ("80000000001", "SKU-001", 1)
    assert (item.sales_price, item.discount_price) == (Money(Decimal(499), "TWD"), Money(Decimal(0), "TWD"))
    assert sheet.tax_receipt == TaxReceipt("E-GUI", "PERSONAL_MOBILE_BARCODE_CARRIER", "/ABC1234")
    assert (sheet.is_cod, sheet.shipment_type, sheet.parcel_print_message) == (False, "THIRD_PARTY", "")
    assert sheet.extra_properties["cutOffTimeHour"] == "0"
    assert sheet.coupang_total == Decimal(559)


# --- acknowledgement and waybills: per-box results ---


def test_acknowledgement_with_partial_errors(client):
    answers = answering(client, doc_example("product-preparation-processing"))
    results = client.acknowledge([102391542, "102391599"])
    assert results == [
        BoxResult("102391542", True, "OK", "request succeeded.", False),
        BoxResult("102391599", False, "NOT_FOUND_SHIPMENT_BOX", "shipmentBoxId (102391599) is not found.", True),
    ]
    assert json.loads(answers.sent[0].body) == {"vendorId": "A00012345", "shipmentBoxIds": [102391542, 102391599]}


@pytest.mark.parametrize("status", [504, 521])
def test_acknowledgement_refused_by_an_overloaded_gateway_is_not_sent_again(client, status):
    """The page's errorSpec: 504 and 521 with code ERROR; check the box's status before trying again."""
    answers = answering(client, (status, doc_example(f"product-preparation-processing.error-{status}")))
    with pytest.raises(ServiceUnavailableError) as refused:
        client.acknowledge(["102391542"])
    assert len(answers.sent) == 1
    assert (refused.value.status, refused.value.code) == (status, "ERROR")
    assert refused.value.coupang_message == doc_json(f"product-preparation-processing.error-{status}")["message"]
    assert refused.value.partial_results == ()


@pytest.mark.parametrize(
    ("fixture", "method", "box_id"),
    [
        ("invoice-upload-processing", "upload_invoices", "606920263"),
        ("invoice-update-processing", "update_invoices", "614018634"),
    ],
)
def test_waybill_results(client, fixture, method, box_id):
    answers = answering(client, doc_example(fixture))
    entry = InvoiceEntry(box_id, "500000596", "3000000177", "CJGLS", "337398446274")
    (result,) = getattr(client, method)([entry])
    assert result == BoxResult(box_id, True, "OK", "", False)
    assert not result.needs_person
    assert json.loads(answers.sent[0].body)["orderSheetInvoiceApplyDtos"][0]["shipmentBoxId"] == int(box_id)


# --- the four answers on a receipt ---


@pytest.mark.parametrize(
    ("fixture", "answer", "expected"),
    [
        ("stop-shipping-complete-processing", "stop", ("SUCCESS", "출고중지완료요청이 성공하였습니다")),
        ("products-already-shipped-processing", "shipped", ("SUCCESS", "이미출고 상태변경이 성공하였습니다.")),
        # The English pages show each other's example: code and message inside data, or outside.
        ("stop-shipping-complete-processing.en", "stop", ("SUCCESS", "이미출고 상태변경이 성공하였습니다.")),
        ("products-already-shipped-processing.en", "shipped", ("SUCCESS", "출고중지완료요청이 성공하였습니다")),
        ("return-request-product-receipt-confirmation-processing", "receipt", ("200", "OK")),
        (
            "return-request-product-receipt-confirmation-processing.season-1",
            "receipt",
            ("SUCCESS", "입고확인 요청이 성공하였습니다."),
        ),
        ("return-request-approval-processing", "approval", ("200", "OK")),
        ("return-request-approval-processing.season-1", "approval", ("SUCCESS", "반품승인요청이 성공했습니다.")),
    ],
)
def test_receipt_answers(client, fixture, answer, expected):
    answering(client, doc_example(fixture))
    calls = {
        "stop": lambda: client.stop_shipment("365937", 1),
        "shipped": lambda: client.complete_shipment("365937", "CJGLS", "337398446274"),
        "receipt": lambda: client.confirm_return_receipt("365937"),
        "approval": lambda: client.approve_return("365937", 1),
    }
    assert calls[answer]() == ReturnAnswer("365937", *expected)


# --- stop-shipment requests, cancellations and returns ---

FIRST_RETURN = ReturnRequest(
    receipt_id="50229613",
    order_id="28000008707838",
    payment_id="28000009486604",
    cancel_type="RETURN",
    receipt_status="RETURNS_UNCHECKED",
    created_at=datetime(2017, 9, 2, 22, 52, 42, tzinfo=KST),
    modified_at=datetime(2017, 9, 2, 22, 52, 42, tzinfo=KST),
    requester=Requester("구*숙", "0503-****-3560", "서울특별시 송파구 송파대로 570 (신천동)", "Tower 730", "05510"),
    reason_category="고객변심",
    reason_detail="단순변심(사유없음)",
    reason="",
    reason_code="",
    cancel_count_sum=1,
    return_delivery_id="20234047",
    return_delivery_type="연동택배",
    release_stop_status="처리(이미출고)",
    enclose_price=won(0),
    fault_by_type="VENDOR",
    pre_refund=False,
    complete_confirm_type="UNDEFINED",
    complete_confirm_date=None,
    items=(
        ReturnItem(
            vendor_item_id="3187044096",
            vendor_item_name="스파오(SPAO) (#)시원하고 편안한 캉캉 롱스커트, (19)Black, S",
            seller_product_id="57623797",
            seller_product_name="스파오 (#)시원하고 편안한 캉캉 롱스커트,(19)Black S",
            shipment_box_id="434119941",
            purchase_count=1,
            cancel_count=1,
        ),
    ),
    return_deliveries=(),
)


def assert_documented_returns(requests, first):
    assert [request.receipt_id for request in requests] == ["50229613", "50203804", "50201937"]
    assert requests[0] == first
    second, third = requests[1:]
    assert (second.order_id, second.payment_id, second.reason_category, second.reason_detail) == (
        "26000008536134",
        "26000009289336",
        "상품불량",
        "사용중 제품결함",
    )
    assert second.reason == "단 이틀 착용하였는데 초침이 궤도를 이탈하였습니다 ㅡ., ㅡ"
    assert second.created_at == datetime(2017, 9, 2, 11, 36, 2, tzinfo=KST)
    assert (second.release_stop_status, second.fault_by_type) == ("비대상", "VENDOR")
    # Waybills "" and null are to be ignored; the page's trailing space is not part of the number.
    assert second.return_deliveries == (ReturnDelivery("CJGLS", "840806808800"),)
    assert third.return_deliveries == (ReturnDelivery("CJGLS", "840807127473"),)
    assert [(item.shipment_box_id, item.vendor_item_id) for item in third.items] == [("431901185", "3127006595")]
    assert (third.order_id, third.fault_by_type, third.reason) == ("6000008625134", "CUSTOMER", "신랑이 맘에 안든데요")
    assert [request.shipment_box_ids for request in requests] == [("434119941",), ("431114431",), ("431901185",)]


def test_return_request_list_per_day(client):
    answers = answering(client, doc_example("lookup-return-request-list-per-day"))
    start = datetime(2017, 9, 2, tzinfo=KST)
    requests = list(client.iter_return_requests(start, start + timedelta(hours=23), cancel_type="RETURN", status="UC"))
    assert len(answers.sent) == 1  # nextToken "": the last page
    assert_documented_returns(requests, FIRST_RETURN)


def test_return_request_list_per_minute(client):
    answering(client, doc_example("lookup-return-request-list-per-minute"))
    start = datetime(2017, 9, 2, 10, 0, tzinfo=KST)
    requests = list(
        client.iter_return_requests(
            start, start + timedelta(hours=13), cancel_type="RETURN", status="UC", by_minute=True
        )
    )
    # The minute page's first example names the buyer as at fault, and carries the reason codes.
    first = replace(FIRST_RETURN, fault_by_type="CUSTOMER", reason_code="CHANGEMIND")
    assert_documented_returns(requests, first)
    assert [request.reason_code for request in requests] == ["CHANGEMIND", "DEFECT", "CHANGEMIND"]


def test_single_return_request_names_its_type_in_korean(client):
    """The single read's example gives receiptType "반품" and completeConfirmType "미확인", the
    page's table's v2 names of RETURN and UNDEFINED."""
    answers = answering(client, doc_example("lookup-return-request-by-product"))
    request = client.get_return_request("365937")
    assert answers.sent[0].path_url == "/v2/providers/openapi/apis/api/v6/vendors/A00012345/returnRequests/365937"
    assert (request.receipt_id, request.order_id, request.payment_id) == ("365937", "500004398", "700003957")
    assert (request.cancel_type, request.receipt_status) == ("RETURN", "RELEASE_STOP_UNCHECKED")
    assert (request.release_stop_status, request.complete_confirm_type) == ("미처리", "UNDEFINED")
    assert request.created_at == datetime(2016, 3, 25, 13, 5, 30, tzinfo=KST)
    assert request.requester == Requester(
        "임송이", "010-****-4043", "서울특별시 송파구 송파대로 570 (신천동)", "Tower 730", "05510"
    )
    assert request.items == (
        ReturnItem(
            "3000001893",
            "객지/한씨연대기/삼포 가는 길/섬섬옥수/몰개월의 새 1",
            "130",
            "객지/한씨연대기/삼포 가는 길/섬섬옥수/몰개월의 새 1",
            "197267583",
            1,
            1,
        ),
    )
    assert request.return_deliveries == (ReturnDelivery("DIRECT", "201807261200"),) * 2
    assert (request.cancel_count_sum, request.reason_code) == (1, "CHANGEMIND")


def test_a_documented_stop_request_awaits_the_sellers_answer(client):
    """receiptStatus RELEASE_STOP_UNCHECKED with releaseStopStatus 미처리 (unanswered), and no
    per-item releaseStatus: Coupang waits for stoppedShipment or completedShipment."""
    answering(client, doc_example("lookup-return-request-by-product"))
    request = client.get_return_request("365937")
    assert (request.receipt_status, request.release_stop_status) == ("RELEASE_STOP_UNCHECKED", "미처리")
    assert request.awaits_shipment_answer


def test_single_return_request_as_one_object(client):
    """The older page's example answers ``data`` as one object, also with receiptType "반품"."""
    answering(client, doc_example("lookup-return-request-by-product.season-1"))
    request = client.get_return_request("363585")
    assert (request.receipt_id, request.order_id, request.cancel_type) == ("363585", "500000256", "RETURN")
    assert request.receipt_status == "RETURNS_UNCHECKED"
    assert request.created_at == datetime(2015, 12, 2, 10, 54, 39, tzinfo=KST)
    assert request.requester.name == "이상희"


def test_taiwan_request_times_without_offset_are_taiwan_time():
    """v6 returnRequests send times without an offset, in the market's local time (study 13)."""
    rows = doc_json("lookup-return-request-list-per-minute")["data"]
    first = parse_return_requests(rows, "TW")[0]
    assert first.created_at == datetime(2017, 9, 2, 22, 52, 42, tzinfo=TWT)
    assert first.enclose_price == Money(Decimal(0), "TWD")


# --- return centers and outbound places ---


def test_return_centers(client):
    answers = answering(client, doc_example("lookup-return-shipping-facility"))
    centers = list(client.iter_return_centers())
    assert len(answers.sent) == 1  # currentPage 1 of totalPages 1
    assert [(center.code, center.name, center.deliver_code, center.usable) for center in centers] == [
        ("1000396860", "생성된반품지1", "DONGBU", True),
        ("1000395940", "생성된반품지2", "HANJIN", True),
        ("1000393179", "생성된반품지3", "DONGBU", True),
        ("1000393173", "생성된반품지4", "DONGBU", False),
        ("1000392392", "생성된반품지5", "DONGBU", True),
    ]
    first, second = centers[:2]
    assert first.deliver_name == "드림택배"
    assert first.addresses == (
        PlaceAddress("JIBUN", "KR", "112207", "경기도 파주시 탄현면 월롱산로", "-", "139-2029-0520"),
        PlaceAddress("ROADNAME", "KR", "112207", "경기도 파주시 탄현면 월롱산로", "-", "139-2029-0520"),
    )
    assert first.address == "112207 경기도 파주시 탄현면 월롱산로"
    assert second.address == "02480 서울특별시 동대문구 홍릉로15길 35 (제기동) 아파트좋은곳101호"


def test_outbound_places_of_the_documented_v4_list():
    """The documented list (v4 outboundShippingCenters, rows under ``data.content``), row by row."""
    rows = doc_json("lookup-outbound-shipping-facility-list")["data"]["content"]
    places = [parse_outbound_place(row) for row in rows]
    assert [(place.code, place.name, place.usable) for place in places] == [
        ("84", "상품출고지1", True),
        ("81", "상품출고지2", True),
        ("80", "상품출고지3", True),
        ("79", "상품출고지4", True),
        ("78", "상품출고지5", True),
    ]
    assert places[0].addresses[0] == PlaceAddress(
        "ROADNAME", "KR", "06544", "서울특별시 서초구 신반포로 270 (반포동, 반포자이아파트)", "100-1호", "010-000-0000"
    )


def test_outbound_places_of_the_marketplace_call(client):
    """The call the client makes answers ``content`` at the top level, without code or data (study 7.2)."""
    answers = answering(client, doc_example("outbound-shipping-place.v2.study"))
    (place,) = client.iter_outbound_places()
    path = answers.sent[0].path_url.partition("?")[0]
    assert path == "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
    assert (place.code, place.name, place.usable) == ("1111222", "본사 출고지", True)
    assert place.address == "05510 서울특별시 송파구 ... 7-30"


# --- the store's products ---

LAST_PRODUCT_PAGE = json.dumps({"code": "SUCCESS", "message": "", "nextToken": "", "data": []}).encode()


def test_seller_product_list_follows_its_page_number(client):
    """The list's example: two approved products and nextToken "2", the next page's number."""
    answers = answering(client, doc_example("lookup-seller-product-list-paging"), LAST_PRODUCT_PAGE)
    products = list(client.iter_seller_products())
    assert [request.path_url for request in answers.sent] == [
        "/v2/providers/seller_api/apis/api/v1/marketplace/seller-products?vendorId=A00012345&maxPerPage=100",
        "/v2/providers/seller_api/apis/api/v1/marketplace/seller-products?vendorId=A00012345&maxPerPage=100&nextToken=2",
    ]
    assert [(product.seller_product_id, product.status, product.status_name) for product in products] == [
        ("239092172", "APPROVED", "승인완료"),
        ("239092161", "APPROVED", "승인완료"),
    ]
    first = products[0]
    assert (first.name, first.brand, first.items) == ("R07 헬로키티 미니낚시놀이", "상세설명별도참조", ())
    assert first.created_at == datetime(2017, 2, 13, 2, 9, 47, tzinfo=KST)
    assert first.sale_started_at == datetime(2017, 2, 14, 6, 0, tzinfo=KST)
    assert first.sale_ended_at == datetime(2099, 12, 31, tzinfo=KST)


def test_seller_product_with_its_items(client):
    """The lookup's example: a product saved but not approved, whose items have no vendorItemId yet
    ("임시저장 상태일 경우 값이 null"), their seller's code, an empty barcode and two attributes."""
    answers = answering(client, doc_example("lookup-seller-product"))
    product = client.get_seller_product("152620911")
    assert answers.sent[0].path_url == "/v2/providers/seller_api/apis/api/v1/marketplace/seller-products/152620911"
    assert (product.seller_product_id, product.status, product.status_name) == ("152620911", "SAVED", "임시저장")
    assert product.name == "테스트 상품 등록_CJ제일제당 백설 찹쌀 호떡믹스_Python"
    first, second = product.items
    assert first == VendorItem(
        seller_product_item_id="425073845",
        vendor_item_id="",
        item_name="[Stchodo] 스쳐도 민트코코 빅에디션 버핑 44",
        external_vendor_sku="90726",
        barcode="",
        attributes=(ItemAttribute("색상", "GREY"), ItemAttribute("사이즈", "44")),
        sale_price=won(10000),
        original_price=won(13000),
        maximum_buy_count=9999,
    )
    assert (second.seller_product_item_id, second.options) == ("425073846", "색상: GREY, 사이즈: 55")


# --- the seller's cancel ---


def test_seller_cancel_in_part(client):
    """The page's sample: code PARTIAL inside a 200, two items stopped under one receipt, one failed."""
    answers = answering(client, doc_example("instruct-cancel"))
    result = client.cancel_order_items(
        "2000006593044", {3145181064: 1, 3145181065: 2, 3145181067: 1}, reason="CCTTER", user_id="et5"
    )
    assert answers.sent[0].path_url == "/v2/providers/openapi/apis/api/v5/vendors/A00012345/orders/2000006593044/cancel"
    assert json.loads(answers.sent[0].body) == {
        "orderId": 2000006593044,
        "vendorItemIds": [3145181064, 3145181065, 3145181067],
        "receiptCounts": [1, 2, 1],
        "bigCancelCode": "CANERR",
        "middleCancelCode": "CCTTER",
        "vendorId": "A00012345",
        "userId": "et5",
    }
    assert result == SellerCancel(
        order_id="2000006593044",
        result_code="PARTIAL",
        message="[요청번호] cdea5b4b-34e9-4bec-bbd9-061e358e46a0 \\r\\n"
        "[3145181064]<= 취소 가능한 개수보다 요청한 개수가 더 많습니다.",
        receipt_id="44698107",
        receipt_type="STOP_SHIPMENT",
        vendor_item_ids=("3145181065", "3145181067"),
        total_count=3,
        failed_vendor_item_ids=("3145181064",),
    )


def test_seller_cancel_failed_whole_is_refused(client):
    """code FAIL (전체취소 실패, the page's response table) inside a 200 is a refusal."""
    payload = {**doc_json("instruct-cancel"), "code": "FAIL", "message": "취소요청 중 오류가 발생하였습니다."}
    answering(client, json.dumps(payload, ensure_ascii=False).encode())
    with pytest.raises(RequestRejectedError, match="취소요청 중 오류가 발생하였습니다") as caught:
        client.cancel_order_items("2000006593044", {3145181064: 1}, reason="CCTTER", user_id="et5")
    assert (caught.value.status, caught.value.code) == (200, "FAIL")


# --- buyers' inquiries ---


def test_product_inquiries(client):
    """The list's example: three questions, two answered (one twice), orderIds null or a list, times
    ``yyyy-MM-dd HH:mm:ss`` in the market's time."""
    answers = answering(client, doc_example("lookup-customer-inquiry-by-product"))
    first, second, third = client.iter_product_inquiries(date(2014, 12, 7), date(2014, 12, 8))
    assert answers.sent[0].path_url == (
        "/v2/providers/openapi/apis/api/v5/vendors/A00012345/onlineInquiries?vendorId=A00012345"
        "&inquiryStartAt=2014-12-07&inquiryEndAt=2014-12-08&answeredType=ALL&pageNum=1&pageSize=50"
    )
    assert (first.inquiry_id, first.product_id, first.vendor_item_id) == ("844", "2490", "3100000204")
    assert (first.content, first.order_ids, first.buyer_email) == (
        "productId딜에 달린 24시간 이내 상품문의2.",
        (),
        "aka***@na",
    )
    assert first.asked_at == datetime(2015, 5, 27, 9, 38, 32, tzinfo=KST)
    assert first.replies == (
        InquiryReply("351", "just do it9.28", datetime(2016, 9, 28, 16, 18, 9, tzinfo=KST)),
        InquiryReply("352", "just do it9.29", datetime(2016, 9, 29, 16, 18, 9, tzinfo=KST)),
    )
    assert (second.order_ids, second.answered) == (("16000009476673",), True)
    assert (third.inquiry_id, third.vendor_item_id, third.order_ids, third.answered) == (
        "852",
        "3000006137",
        ("15000009153437",),
        False,
    )


def test_call_center_inquiries(client):
    """The list's example: page 1 of 7 (two a page), vendorItemId an array, the agent's reply and the
    seller's answer; the client reads on until the last page."""
    last_page = {
        "code": 200,
        "message": "OK",
        "data": {"content": [], "pagination": {"currentPage": 7, "totalPages": 7}},
    }
    answers = answering(client, doc_example("lookup-coupang-call-center-inquiry"), json.dumps(last_page).encode())
    first, second = client.iter_call_center_inquiries(date(2018, 1, 7), date(2018, 1, 8), page_size=2)
    assert [request.path_url.rpartition("&pageNum=")[2] for request in answers.sent] == ["1&pageSize=2", "2&pageSize=2"]
    assert (first.inquiry_id, first.inquiry_status, first.counseling_status) == ("1015668177", "progress", "answered")
    assert (first.vendor_item_ids, first.order_id) == (("3285906659",), "10000011255416")
    assert first.item_name == "스파오(SPAO) 인조가죽 A라인 4부 스커트 SPWH749G22, (49)Khaki, L"
    assert (first.asked_at, first.answered_at, first.ordered_at) == (
        datetime(2018, 1, 8, 16, 43, 42, tzinfo=KST),
        datetime(2018, 1, 8, 16, 56, 16, tzinfo=KST),
        datetime(2017, 12, 25, 22, 23, 44, tzinfo=KST),
    )
    assert (first.receipt_category, first.buyer_phone) == ("기타문의>기타>전상담사통화요청", "010-****-8801")
    agent, seller = first.replies
    assert (agent.reply_id, agent.author_type, agent.transfer_status, agent.need_answer) == (
        "1027082307",
        "csAgent",
        "answered",
        False,
    )
    assert (seller.reply_id, seller.author_type, seller.author, seller.transfer_status) == (
        "1027083739",
        "vendor",
        "AA몰",
        "",
    )
    assert not first.awaits_answer, "answered: no reply asks for the seller's answer"
    assert second.inquiry_id == "1015664934"


@pytest.mark.parametrize(
    ("fixture", "answer"),
    [
        (
            "answer-to-customer-inquiry",
            lambda client: client.answer_product_inquiry(846, "안녕하세요\n입고 지연", "wanger"),
        ),
        (
            "answer-to-coupang-call-center-inquiry",
            lambda client: client.answer_call_center_inquiry(1007837444, "안녕하세요", "wanger", 1023208324),
        ),
        (
            "confirm-to-coupang-call-center-inquiry",
            lambda client: client.confirm_call_center_inquiry(1007837444, "wanger"),
        ),
    ],
)
def test_inquiry_answers(client, fixture, answer):
    """Each page's example answer, code "200" and message OK, for the body its sample sends."""
    answers = answering(client, doc_example(fixture))
    assert answer(client).message == "OK"
    body = json.loads(answers.sent[0].body)
    expected = {
        "answer-to-customer-inquiry": {
            "content": "안녕하세요\n입고 지연",
            "vendorId": "A00012345",
            "replyBy": "wanger",
        },
        "answer-to-coupang-call-center-inquiry": {
            "vendorId": "A00012345",
            "inquiryId": "1007837444",
            "content": "안녕하세요",
            "replyBy": "wanger",
            "parentAnswerId": 1023208324,
        },
        "confirm-to-coupang-call-center-inquiry": {"confirmBy": "wanger"},
    }[fixture]
    assert body == expected


# --- a vendor item's stock, price and sale status ---


def test_item_inventory(client):
    answers = answering(client, doc_example("lookup-quantity-price-status-by-product"))
    assert client.get_item_inventory("3000000000") == ItemInventory("3000000000", 0, won(32000), True, False)
    assert (
        answers.sent[0].path_url
        == "/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/3000000000/inventories"
    )


@pytest.mark.parametrize(
    ("fixture", "change", "path", "message"),
    [
        (
            "change-quantity-by-product",
            lambda client: client.set_item_quantity("3572784698", 12),
            "3572784698/quantities/12",
            "재고 변경을 완료했습니다.",
        ),
        (
            "change-price-by-product",
            lambda client: client.set_item_price("3572784698", 49000, force=True),
            "3572784698/prices/49000?forceSalePriceUpdate=true",
            "가격 변경을 완료했습니다.",
        ),
        (
            "change-sale-status-to-stop-by-product",
            lambda client: client.stop_item_sale("3572784698"),
            "3572784698/sales/stop",
            "판매 중지 처리되었습니다.",
        ),
        (
            "change-sale-status-to-resumption-by-product",
            lambda client: client.resume_item_sale("3572784698"),
            "3572784698/sales/resume",
            "판매가 재개되었습니다.",
        ),
    ],
)
def test_item_changes(client, fixture, change, path, message):
    """Each page's example answer (code SUCCESS and its message), for the call its sample endpoint sends."""
    answers = answering(client, doc_example(fixture))
    assert change(client) == ItemChange("3572784698", message)
    request = answers.sent[0]
    assert (request.method, request.path_url) == (
        "PUT",
        f"/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{path}",
    )
