"""Buyers' inquiries in the sandbox: product questions and call-center inquiries, their rules and JSON.

What the buyer and Coupang's call center do (:meth:`InquiryDesk.ask`, :meth:`InquiryDesk.call_center`)
and what the seller answers through the API (Coupang docs: customer-service-api):

- a product question is answered by the seller's reply (``commentDtoList``); the page says one
  answer to one inquiry ("하나의 고객문의(inquiryId)에 답변할 수 있습니다") without saying how a
  second is refused: the sandbox refuses it (400, :data:`ALREADY_ANSWERED`), the strictest reading;
- a call-center inquiry Coupang's agent hands to the seller (``partnerTransferStatus``
  requestAnswer, listed under NO_ANSWER) takes one answer under that reply (``parentAnswerId``), a
  second is refused with the page's message (:data:`CANNOT_ANSWER`); one Coupang completed and
  handed over for information (TRANSFER, 미확인) is confirmed (``confirms``).
"""

import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from .returns import Refusal
from .store import MARKETS

# answer-to-coupang-call-center-inquiry, errorSpec: a second answer, or one to an inquiry not waiting.
CANNOT_ANSWER = (
    "The inquiry can't be answer. It can do only inquiryStatus:progress, partnerTransferStatus:requestAnswer"
)
ALREADY_ANSWERED = "The inquiry is already answered."  # not documented (answer-to-customer-inquiry)
CANNOT_CONFIRM = "The inquiry can't be confirmed. It can do only a transfer not confirmed."  # not documented
FIRST_INQUIRY_ID = 844  # the documented sample's first inquiryId
FIRST_CALL_CENTER_ID = 1015664934  # the documented sample's
FIRST_REPLY_ID = 1027076645


@dataclass
class Reply:
    reply_id: int
    content: str
    replied_at: datetime
    author_type: str  # csAgent or vendor
    author: str
    transfer_status: str | None = None  # requestAnswer, answered or None (a seller's reply)
    parent_id: int = 0


@dataclass
class Inquiry:
    """A product question (``kind`` product) or a call-center inquiry (``kind`` call_center)."""

    kind: str
    inquiry_id: int
    vendor_id: str
    market: str
    vendor_item_id: int
    item_name: str
    product_id: int
    content: str
    asked_at: datetime
    order_ids: list
    buyer_email: str = "aka***@na"
    buyer_phone: str = "010-****-8801"
    receipt_category: str = "기타문의>기타>전상담사통화요청"
    inquiry_status: str = "progress"  # call center: progress or complete
    confirmed: bool = False  # call center: a TRANSFER the seller confirmed
    ordered_at: datetime | None = None  # call center: the order's time
    replies: list = field(default_factory=list)

    @property
    def waiting_reply(self):
        """The call center's reply asking for the seller's answer, while the inquiry is in progress."""
        if self.inquiry_status != "progress":
            return None
        return next((reply for reply in self.replies if reply.transfer_status == "requestAnswer"), None)

    @property
    def counseling_status(self):
        return "requestAnswer" if self.waiting_reply else "answered"

    @property
    def transfer(self):
        """Coupang completed it and hands it to the seller for confirmation (TRANSFER, 미확인)."""
        return self.kind == "call_center" and self.inquiry_status == "complete" and not self.confirmed


class InquiryDesk:
    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.RLock()
        self.inquiries = {}  # inquiryId -> Inquiry
        self.answers = Counter()  # (inquiryId, answer) -> how many times the sandbox carried it out
        self._ids = {"product": itertools.count(FIRST_INQUIRY_ID), "call_center": itertools.count(FIRST_CALL_CENTER_ID)}
        self._reply_ids = itertools.count(FIRST_REPLY_ID)

    # --- what the buyer and Coupang's call center do ---

    def ask(self, vendor_id, market, line, content, order_ids=(), asked_at=None):
        """A buyer asks about a vendor item (``line``: a :class:`~.store.OrderLine` or catalogue item)."""
        return self._open("product", vendor_id, market, line, content, list(order_ids), asked_at)

    def call_center(self, order, line, content, *, transfer=False, asked_at=None):
        """A buyer calls Coupang about an ordered item (``line`` of ``order``); the agent hands it to
        the seller, for an answer (requestAnswer) or, with ``transfer``, completed, for the seller's
        confirmation."""
        inquiry = self._open("call_center", order.vendor_id, order.market, line, content, [order.order_id], asked_at)
        with self.lock:
            inquiry.ordered_at = order.ordered_at
            inquiry.replies.append(
                Reply(
                    next(self._reply_ids), f"[판매자이관]\n{content}", inquiry.asked_at, "csAgent", "쿠팡 상담사",
                    "answered" if transfer else "requestAnswer",
                )
            )  # fmt: skip
            if transfer:
                inquiry.inquiry_status = "complete"
        return inquiry

    def _open(self, kind, vendor_id, market, line, content, order_ids, asked_at):
        with self.lock:
            inquiry = Inquiry(
                kind=kind,
                inquiry_id=next(self._ids[kind]),
                vendor_id=vendor_id,
                market=market,
                vendor_item_id=line.vendor_item_id,
                item_name=line.vendor_item_name,
                product_id=line.seller_product_id,
                content=content,
                asked_at=asked_at or self.clock(),
                order_ids=order_ids,
            )
            self.inquiries[inquiry.inquiry_id] = inquiry
        return inquiry

    # --- reads through the API ---

    def listed(self, kind, vendor_id, market, start, end, status):
        """Inquiries asked in ``[start, end)``, by inquiryId; ``status`` filters (see the endpoints)."""
        with self.lock:
            found = [
                inquiry
                for inquiry in self.inquiries.values()
                if (inquiry.kind, inquiry.vendor_id, inquiry.market) == (kind, vendor_id, market)
                and start <= inquiry.asked_at < end
                and status(inquiry)
            ]
        return sorted(found, key=lambda inquiry: inquiry.inquiry_id)

    def vendor_inquiry(self, kind, vendor_id, market, inquiry_id):
        inquiry = self.inquiries.get(int(inquiry_id))
        if inquiry is None or (inquiry.kind, inquiry.vendor_id, inquiry.market) != (kind, vendor_id, market):
            raise Refusal(f"inquiryId ({inquiry_id}) is not found.")
        return inquiry

    # --- answers through the API ---

    def answer_product(self, inquiry, content, reply_by):
        with self.lock:
            if inquiry.replies:
                raise Refusal(ALREADY_ANSWERED)
            inquiry.replies.append(Reply(next(self._reply_ids), content, self.clock(), "vendor", reply_by or ""))
            self.answers[inquiry.inquiry_id, "answer"] += 1

    def answer_call_center(self, inquiry, content, reply_by, parent_answer_id):
        with self.lock:
            waiting = inquiry.waiting_reply
            if waiting is None or waiting.reply_id != parent_answer_id:
                raise Refusal(CANNOT_ANSWER)
            waiting.transfer_status = "answered"
            reply = Reply(
                next(self._reply_ids), content, self.clock(), "vendor", reply_by or "", None, waiting.reply_id
            )
            inquiry.replies.append(reply)
            self.answers[inquiry.inquiry_id, "answer"] += 1

    def confirm(self, inquiry):
        with self.lock:
            if not inquiry.transfer:
                raise Refusal(CANNOT_CONFIRM)
            inquiry.confirmed = True
            self.answers[inquiry.inquiry_id, "confirm"] += 1


def _local_time(moment, market):
    """``yyyy-MM-dd HH:mm:ss`` in the market's time, as the pages' samples write inquiry times."""
    return moment.astimezone(MARKETS[market].timezone).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def render_product_inquiry(inquiry):
    """A row of onlineInquiries (Coupang docs: customer-service-api/lookup-customer-inquiry-by-product)."""
    return {
        "inquiryId": inquiry.inquiry_id,
        "productId": inquiry.product_id,
        "vendorItemId": inquiry.vendor_item_id,
        "content": inquiry.content,
        "inquiryAt": _local_time(inquiry.asked_at, inquiry.market),
        "orderIds": inquiry.order_ids or None,
        "buyerEmail": inquiry.buyer_email,
        "commentDtoList": [
            {
                "inquiryCommentId": reply.reply_id,
                "inquiryId": inquiry.inquiry_id,
                "content": reply.content,
                "inquiryCommentAt": _local_time(reply.replied_at, inquiry.market),
            }
            for reply in inquiry.replies
        ],
    }


def render_call_center_inquiry(inquiry):
    """A row of callCenterInquiries (Coupang docs: customer-service-api/lookup-coupang-call-center-inquiry,
    its sample: ``vendorItemId`` an array)."""
    vendor_replies = [reply for reply in inquiry.replies if reply.author_type == "vendor"]
    return {
        "inquiryId": inquiry.inquiry_id,
        "csPartnerCounselingStatus": inquiry.counseling_status,
        "inquiryStatus": inquiry.inquiry_status,
        "vendorItemId": [inquiry.vendor_item_id],
        "itemName": inquiry.item_name,
        "content": inquiry.content,
        "answeredAt": _local_time(vendor_replies[-1].replied_at, inquiry.market) if vendor_replies else None,
        "replies": [
            {
                "receptionistName": reply.author,
                "receptionist": reply.author,
                "replyAt": _local_time(reply.replied_at, inquiry.market),
                "content": reply.content,
                "answerId": reply.reply_id,
                "parentAnswerId": reply.parent_id,
                "partnerTransferStatus": reply.transfer_status,
                "partnerTransferCompleteReason": "NONE",
                "answerType": reply.author_type,
                "needAnswer": reply.transfer_status == "requestAnswer" and inquiry.inquiry_status == "progress",
            }
            for reply in inquiry.replies
        ],
        "inquiryAt": _local_time(inquiry.asked_at, inquiry.market),
        "buyerEmail": inquiry.buyer_email,
        "buyerPhone": inquiry.buyer_phone,
        "orderId": inquiry.order_ids[0] if inquiry.order_ids else None,
        "orderDate": _local_time(inquiry.ordered_at, inquiry.market),
        "receiptCategory": inquiry.receipt_category,
        "saleStartedAt": "2024-07-01",
        "saleEndedAt": "2099-12-30",
    }
