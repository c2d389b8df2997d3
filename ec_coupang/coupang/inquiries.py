"""Buyers' inquiries: product questions (onlineInquiries) and Coupang call-center inquiries
(callCenterInquiries), typed and read.

Both lists serve Korea and Taiwan (study 13, help center articles 360033400754, 360033645354).
Times come as ``yyyy-MM-dd HH:mm:ss`` without offset, in the market's time; ids stay strings
(Coupang docs: customer-service-api/lookup-customer-inquiry-by-product,
lookup-coupang-call-center-inquiry).
"""

from dataclasses import dataclass, field
from datetime import datetime

from .datatypes import RowReason
from .parsing import READ_ERRORS, as_text, market_time, parse_id, readable_id, row_key, unreadable_reason

# answeredType of the product questions' list (lookup-customer-inquiry-by-product).
PRODUCT_INQUIRY_FILTERS = ("ALL", "ANSWERED", "NOANSWER")
# partnerCounselingStatus of the call-center list (lookup-coupang-call-center-inquiry): NONE all,
# ANSWER answered, NO_ANSWER waiting for the seller's answer, TRANSFER completed by Coupang and
# waiting for the seller's confirmation (no answer needed).
CALL_CENTER_FILTERS = ("NONE", "ANSWER", "NO_ANSWER", "TRANSFER")
REQUEST_ANSWER = "requestAnswer"  # partnerTransferStatus / csPartnerCounselingStatus: the seller must answer


@dataclass(frozen=True)
class InquiryReply:
    """A reply to an inquiry: the seller's answer to a product question (``commentDtoList``), or a
    call-center reply (``replies``) from Coupang's agent (``csAgent``) or the seller (``vendor``).

    :ivar transfer_status: a call-center reply's ``partnerTransferStatus``: ``requestAnswer`` when
        Coupang's agent hands the inquiry to the seller for an answer
    """

    reply_id: str
    content: str
    replied_at: datetime | None
    author_type: str = "vendor"
    author: str = ""
    transfer_status: str = ""
    need_answer: bool = False


@dataclass(frozen=True)
class ProductInquiry:
    """A buyer's question on a product, with the seller's answers.

    :ivar order_ids: the buyer's orders of the item (``orderIds``), empty when none
    """

    inquiry_id: str
    vendor_item_id: str
    product_id: str
    content: str
    asked_at: datetime | None
    order_ids: tuple[str, ...]
    buyer_email: str
    replies: tuple[InquiryReply, ...]
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def answered(self):
        return bool(self.replies)


@dataclass(frozen=True)
class CallCenterInquiry:
    """An inquiry a buyer made to Coupang's call center about the seller's item.

    :ivar counseling_status: ``requestAnswer`` (the seller must answer) or ``answered``
    :ivar inquiry_status: ``progress`` or ``complete``
    """

    inquiry_id: str
    inquiry_status: str
    counseling_status: str
    vendor_item_ids: tuple[str, ...]
    item_name: str
    content: str
    asked_at: datetime | None
    answered_at: datetime | None
    order_id: str
    ordered_at: datetime | None
    receipt_category: str
    buyer_email: str
    buyer_phone: str
    replies: tuple[InquiryReply, ...]
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def reply_to_answer(self):
        """The agent's reply the seller's answer goes under (its ``parentAnswerId``), or None:
        Coupang takes an answer only while the inquiry is ``progress`` and a reply is
        ``requestAnswer`` (Coupang docs: customer-service-api/answer-to-coupang-call-center-inquiry)."""
        if self.inquiry_status != "progress":
            return None
        return next((reply for reply in self.replies if reply.transfer_status == REQUEST_ANSWER), None)

    @property
    def awaits_answer(self):
        return self.reply_to_answer is not None


@dataclass(frozen=True)
class UnreadableInquiry:
    """A row of an inquiry list that could not be read: kept with the row as Coupang sent it.

    :ivar inquiry_id: the row's inquiryId when it is one, else a key derived from the row
    """

    inquiry_id: str
    reason: RowReason
    raw: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class InquiryAnswer:
    """Coupang's answer to a reply or a confirmation: ``code`` 200 and ``message`` OK."""

    inquiry_id: str
    message: str


def _ids(value):
    """A list of ids, or one id (the call-center sample sends ``vendorItemId`` as an array, its
    field table as a Number); null is none."""
    if value is None:
        return ()
    return tuple(parse_id(item) for item in (value if isinstance(value, list) else [value]))


def _optional_id(value):
    return "" if value in (None, "", 0) else parse_id(value)


def parse_product_inquiry(raw, market):
    return ProductInquiry(
        inquiry_id=parse_id(raw["inquiryId"]),
        vendor_item_id=_optional_id(raw.get("vendorItemId")),
        product_id=_optional_id(raw.get("productId")),
        content=as_text(raw.get("content")),
        asked_at=market_time(raw.get("inquiryAt"), market),
        order_ids=_ids(raw.get("orderIds")),
        buyer_email=as_text(raw.get("buyerEmail")),
        replies=tuple(
            InquiryReply(
                reply_id=parse_id(comment["inquiryCommentId"]),
                content=as_text(comment.get("content")),
                replied_at=market_time(comment.get("inquiryCommentAt"), market),
            )
            for comment in raw.get("commentDtoList") or ()
        ),
        raw=raw,
    )


def parse_call_center_reply(raw, market):
    return InquiryReply(
        reply_id=parse_id(raw["answerId"]),
        content=as_text(raw.get("content")),
        replied_at=market_time(raw.get("replyAt"), market),
        author_type=as_text(raw.get("answerType")),
        author=as_text(raw.get("receptionistName")),
        transfer_status=as_text(raw.get("partnerTransferStatus")),
        need_answer=bool(raw.get("needAnswer")),
    )


def parse_call_center_inquiry(raw, market):
    return CallCenterInquiry(
        inquiry_id=parse_id(raw["inquiryId"]),
        inquiry_status=as_text(raw.get("inquiryStatus")),
        counseling_status=as_text(raw.get("csPartnerCounselingStatus")),
        vendor_item_ids=_ids(raw.get("vendorItemId")),
        item_name=as_text(raw.get("itemName")),
        content=as_text(raw.get("content")),
        asked_at=market_time(raw.get("inquiryAt"), market),
        answered_at=market_time(raw.get("answeredAt"), market),
        order_id=_optional_id(raw.get("orderId")),
        ordered_at=market_time(raw.get("orderDate"), market),
        receipt_category=as_text(raw.get("receiptCategory")),
        buyer_email=as_text(raw.get("buyerEmail")),
        buyer_phone=as_text(raw.get("buyerPhone")),
        replies=tuple(parse_call_center_reply(reply, market) for reply in raw.get("replies") or ()),
        raw=raw,
    )


def read_inquiry(parse, raw, market):
    """``parse(raw, market)``, or an :class:`UnreadableInquiry` saying why the row is not one."""
    try:
        return parse(raw, market)
    except READ_ERRORS as error:
        return kept_inquiry(raw, unreadable_reason("unreadable_inquiry", error))


def kept_inquiry(raw, reason):
    return UnreadableInquiry(readable_id(raw, "inquiryId") or row_key(raw), reason, raw)
