"""The store's catalogue on Coupang: seller products and their vendor items, typed and read.

A seller product (``sellerProductId``, 등록상품) holds one vendor item (``vendorItemId``, 옵션) per
option; order sheets name the vendor item and the seller's own code for it (``externalVendorSku``,
sent back as ``externalVendorSkuCode``). The product list rows carry no items: one product's
lookup does (Coupang docs: product-api/lookup-seller-product-list-paging, lookup-seller-product).
As for order sheets, ids stay strings and times are aware, in the market's time.
"""

from dataclasses import dataclass, field
from datetime import datetime

from .datatypes import Money, RowReason
from .markets import MARKETS
from .parsing import (
    READ_ERRORS,
    as_text,
    market_time,
    parse_count,
    parse_id,
    parse_money,
    readable_id,
    row_key,
    unreadable_reason,
)

# statusName, the product's status as Coupang names it, and its code (Coupang docs:
# product-api/lookup-seller-product-list-paging, "업체상품상태"); the list answers the name, the
# ``status`` query takes the code.
PRODUCT_STATUSES = {
    "SAVING": "임시저장중",
    "SAVED": "임시저장",
    "APPROVING": "승인대기중",
    "APPROVED": "승인완료",
    "PARTIAL_APPROVED": "부분승인완료",
    "DENIED": "승인반려",
    "DELETED": "상품삭제",
}
_STATUS_CODES = {name: code for code, name in PRODUCT_STATUSES.items()}


@dataclass(frozen=True)
class ItemAttribute:
    """One option value of a vendor item, e.g. 색상 GREY (``attributes[]``)."""

    type_name: str
    value_name: str


@dataclass(frozen=True)
class VendorItem:
    """One option of a seller product.

    :ivar vendor_item_id: "" while the product is not approved ("임시저장 상태일 경우 값이 null",
        Coupang docs: product-api/lookup-seller-product)
    :ivar external_vendor_sku: the seller's own code (판매자상품코드), what order sheets send as
        ``externalVendorSkuCode``
    """

    seller_product_item_id: str
    vendor_item_id: str
    item_name: str
    external_vendor_sku: str
    barcode: str
    attributes: tuple[ItemAttribute, ...]
    sale_price: Money | None
    original_price: Money | None
    maximum_buy_count: int

    @property
    def options(self):
        """The item's option values as one line, e.g. ``색상: GREY, 사이즈: 44``."""
        return ", ".join(f"{attribute.type_name}: {attribute.value_name}" for attribute in self.attributes)


@dataclass(frozen=True)
class SellerProduct:
    """A seller product; ``items`` is empty in list rows, which carry none.

    :ivar status: the status code (``APPROVED``...), "" when Coupang's name is not a documented one
    :ivar status_name: the status as Coupang sent it (``승인완료``)
    """

    seller_product_id: str
    name: str
    status: str
    status_name: str
    brand: str
    created_at: datetime | None
    sale_started_at: datetime | None
    sale_ended_at: datetime | None
    items: tuple[VendorItem, ...] = ()
    raw: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class UnreadableSellerProduct:
    """A row of a product list that could not be read: kept with the row as Coupang sent it.

    :ivar seller_product_id: the row's sellerProductId when it is one, else a key derived from the row
    """

    seller_product_id: str
    reason: RowReason
    raw: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ItemInventory:
    """A vendor item's stock, price and sale status (Coupang docs:
    product-api/lookup-quantity-price-status-by-product; Korea only).

    :ivar amount_in_stock: the units left to sell (옵션잔여수량)
    """

    vendor_item_id: str
    amount_in_stock: int
    sale_price: Money
    on_sale: bool
    best_price_guaranteed: bool


@dataclass(frozen=True)
class ItemChange:
    """Coupang's answer to a change of a vendor item's stock, price or sale status."""

    vendor_item_id: str
    message: str


def parse_item_inventory(data, vendor_item_id, currency):
    """``data`` of the lookup; its ``sellerItemId`` is the vendorItemId asked for."""
    return ItemInventory(
        vendor_item_id=parse_id(data.get("sellerItemId") or vendor_item_id),
        amount_in_stock=parse_count(data["amountInStock"]),
        sale_price=parse_money(data["salePrice"], currency),
        on_sale=_flag(data["onSale"]),
        best_price_guaranteed=_flag(data.get("bestPriceGuaranteed3P") or False),
    )


def _flag(value):
    if not isinstance(value, bool):
        raise ValueError(f"not true or false: {value!r}")
    return value


def product_status(name):
    """The code of a status name (or of a code Coupang sends as is); "" for an unknown one."""
    text = as_text(name)
    return text if text in PRODUCT_STATUSES else _STATUS_CODES.get(text, "")


def parse_item_attribute(raw):
    return ItemAttribute(as_text(raw.get("attributeTypeName")), as_text(raw.get("attributeValueName")))


def parse_vendor_item(raw, currency):
    vendor_item_id = raw.get("vendorItemId")
    return VendorItem(
        seller_product_item_id=as_text(raw.get("sellerProductItemId")),
        vendor_item_id="" if vendor_item_id is None else parse_id(vendor_item_id),
        item_name=as_text(raw.get("itemName")),
        external_vendor_sku=as_text(raw.get("externalVendorSku")),
        barcode=as_text(raw.get("barcode")),
        attributes=tuple(parse_item_attribute(attribute) for attribute in raw.get("attributes") or ()),
        sale_price=parse_money(raw.get("salePrice"), currency),
        original_price=parse_money(raw.get("originalPrice"), currency),
        maximum_buy_count=parse_count(raw.get("maximumBuyCount")),
    )


def parse_seller_product(raw, market):
    """A :class:`SellerProduct` of a list row or of one product's lookup (with its ``items``)."""
    if not isinstance(raw, dict):
        raise TypeError("a seller product is not an object")
    currency = MARKETS[market].currency
    status_name = as_text(raw.get("statusName"))
    return SellerProduct(
        seller_product_id=parse_id(raw["sellerProductId"]),
        name=as_text(raw.get("sellerProductName")),
        status=product_status(status_name),
        status_name=status_name,
        brand=as_text(raw.get("brand")),
        created_at=market_time(raw.get("createdAt"), market),
        sale_started_at=market_time(raw.get("saleStartedAt"), market),
        sale_ended_at=market_time(raw.get("saleEndedAt"), market),
        items=tuple(parse_vendor_item(item, currency) for item in raw.get("items") or ()),
        raw=raw,
    )


def read_seller_product(raw, market):
    """A :class:`SellerProduct`, or an :class:`UnreadableSellerProduct` saying why the row is not one."""
    try:
        return parse_seller_product(raw, market)
    except READ_ERRORS as error:
        return kept_seller_product(raw, unreadable_reason("unreadable_product", error))


def kept_seller_product(raw, reason):
    return UnreadableSellerProduct(readable_id(raw, "sellerProductId") or row_key(raw), reason, raw)


def parse_seller_products(rows, market):
    """Each row read on its own, as :func:`~.parsing.parse_order_sheets` does for order sheets."""
    if not isinstance(rows, list):
        raise TypeError("a product list is not a list")
    return [read_seller_product(row, market) for row in rows]
