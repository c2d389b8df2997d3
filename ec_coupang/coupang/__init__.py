"""Plain-Python client for Coupang's Open API (Wing), Korea and Taiwan.

Imports nothing from Odoo, so it runs and is tested without a database.
"""

from .client import DEFAULT_BASE_URL, MAX_BATCH_SIZE, MAX_PAGE_SIZE, CoupangClient
from .errors import (
    BlockedError,
    CoupangError,
    InvalidCredentialsError,
    InvalidVendorIdError,
    IpNotAllowedError,
    MalformedResponseError,
    NoAnswerError,
    NotAvailableInMarketError,
    OversizedPageError,
    PagingError,
    RateLimitedError,
    RepeatedPageTokenError,
    RequestRejectedError,
    ResponseCutOffError,
    ServiceUnavailableError,
    SignatureExpiredError,
    TooManyPagesError,
    UnreachableError,
    WrongRegionError,
)
from .datatypes import (
    KR_COURIER_CODES,
    ORDER_STATUSES,
    BoxResult,
    DeliveryInfo,
    InvoiceEntry,
    Money,
    Orderer,
    OrderItem,
    OrderSheet,
    OutboundPlace,
    PlaceAddress,
    Receiver,
    ReturnCenter,
    RowReason,
    ShippingPlace,
    TaxReceipt,
    UnreadableOrderSheet,
    delivery_from_receiver,
)
from .inquiries import (
    CALL_CENTER_FILTERS,
    PRODUCT_INQUIRY_FILTERS,
    CallCenterInquiry,
    InquiryAnswer,
    InquiryReply,
    ProductInquiry,
    UnreadableInquiry,
)
from .markets import KOREA_ONLY_CALLS, MARKETS, Market, get_market
from .parsing import ROW_KEY_PREFIX, parse_order_sheet, parse_order_sheets, read_order_sheet
from .products import (
    PRODUCT_STATUSES,
    ItemAttribute,
    ItemChange,
    ItemInventory,
    SellerProduct,
    UnreadableSellerProduct,
    VendorItem,
    parse_seller_products,
    read_seller_product,
)
from .recorder import ExchangeRecorder, redact
from .returns import (
    CANCEL_TYPES,
    COUPANG_CHECK_REQUESTED,
    RETURN_COMPLETED,
    RETURN_STATUSES,
    SELLER_CANCEL_REASONS,
    ReturnAnswer,
    ReturnDelivery,
    ReturnItem,
    ReturnRequest,
    Requester,
    SellerCancel,
    UnreadableReturnRequest,
    parse_return_requests,
    read_return_request,
)
from .shipping import (
    WHOLE_BOX_NOTE,
    UNPLANNED_ITEMS,
    InvoicePlan,
    Parcel,
    Refusal,
    box_holding,
    plan_update,
    plan_upload,
)
from .signing import authorization_header, compute_signature, encode_query, format_signed_date
