"""The store's catalogue in the sandbox: seller products, their vendor items, and their JSON.

Each seller product holds one vendor item per option, with the seller's code (externalVendorSku),
a barcode and its option values (Coupang docs: product-api/lookup-seller-product). A vendor's
product is listed in each market it sells in, named in the market's language (Taiwan: Chinese,
Korea: Korean). The demo vendor's products are the tea shop's catalogue (:data:`~.data.SKU_CATALOGUE`),
whose vendorItemIds its orders carry.
"""

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .store import MARKETS

# statusName per status code (Coupang docs: product-api/lookup-seller-product-list-paging).
STATUS_NAMES = {
    "SAVING": "임시저장중",
    "SAVED": "임시저장",
    "APPROVING": "승인대기중",
    "APPROVED": "승인완료",
    "PARTIAL_APPROVED": "부분승인완료",
    "DENIED": "승인반려",
    "DELETED": "상품삭제",
}
# Statuses before approval, whose items have no vendorItemId yet ("임시저장 상태일 경우 값이 null",
# Coupang docs: product-api/lookup-seller-product).
UNAPPROVED = ("SAVING", "SAVED", "APPROVING")
SALE_ENDED_AT = "2099-12-31T00:00:00"  # the documented samples' end of sale
FIRST_SELLER_PRODUCT_ITEM_ID = 425073845  # the documented sample's first sellerProductItemId


@dataclass
class CatalogItem:
    vendor_item_id: int | None
    external_vendor_sku: str
    barcode: str
    names: dict  # market -> itemName
    attributes: dict  # market -> [(attributeTypeName, attributeValueName)]
    sale_price: dict  # market -> plain number in the market's currency
    seller_product_item_id: int = 0
    maximum_buy_count: int = 9999  # the units left to sell: amountInStock, changed by quantities
    on_sale: bool = True


@dataclass
class CatalogProduct:
    seller_product_id: int
    vendor_id: str
    names: dict  # market -> sellerProductName
    created_at: datetime
    items: list
    status: str = "APPROVED"
    brand: str = ""
    markets: tuple = ("TW", "KR")


@dataclass
class Catalog:
    """The seller products of every vendor, by sellerProductId."""

    products: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _item_ids: itertools.count = field(default_factory=lambda: itertools.count(FIRST_SELLER_PRODUCT_ITEM_ID))

    def add(self, product):
        with self.lock:
            if product.seller_product_id in self.products:
                raise ValueError(f"Seller product {product.seller_product_id} exists already.")
            for item in product.items:
                item.seller_product_item_id = item.seller_product_item_id or next(self._item_ids)
                if product.status in UNAPPROVED:
                    item.vendor_item_id = None
            self.products[product.seller_product_id] = product
        return product

    def listed(self, vendor_id, market, *, status=None, created_from=None, created_to=None, seller_product_id=None):
        """The vendor's products of the market, by sellerProductId; ``[created_from, created_to)`` filters."""
        with self.lock:
            found = [
                product
                for product in self.products.values()
                if product.vendor_id == vendor_id
                and market in product.markets
                and status in (None, product.status)
                and seller_product_id in (None, product.seller_product_id)
                and (created_from is None or created_from <= product.created_at < created_to)
            ]
        return sorted(found, key=lambda product: product.seller_product_id)

    def vendor_item(self, vendor_id, market, vendor_item_id):
        """The vendor's approved item of the market with this vendorItemId, or None."""
        with self.lock:
            for product in self.products.values():
                if product.vendor_id != vendor_id or market not in product.markets:
                    continue
                for item in product.items:
                    if item.vendor_item_id is not None and str(item.vendor_item_id) == str(vendor_item_id):
                        return item
        return None

    def vendor_product(self, vendor_id, market, seller_product_id):
        with self.lock:
            product = self.products.get(int(seller_product_id))
        return product if product and product.vendor_id == vendor_id and market in product.markets else None


def demo_products(vendor_id, catalogue, now):
    """The tea shop's products, one a catalogue line, created a week apart before ``now``."""
    return [
        CatalogProduct(
            seller_product_id=line.seller_product_id,
            vendor_id=vendor_id,
            names={"TW": line.name_zh, "KR": line.name_ko},
            created_at=now - timedelta(days=7 * (len(catalogue) - index)),
            brand="茶山行",
            items=[
                CatalogItem(
                    vendor_item_id=line.vendor_item_id,
                    external_vendor_sku=line.sku,
                    barcode=f"471{line.vendor_item_id % 10**10:010d}",
                    names={"TW": f"{line.name_zh} {line.option_zh}", "KR": f"{line.name_ko} {line.option_ko}"},
                    attributes={"TW": [("規格", line.option_zh)], "KR": [("용량", line.option_ko)]},
                    sale_price={"TW": line.price_twd, "KR": line.price_krw},
                )
            ],
        )
        for index, line in enumerate(catalogue)
    ]


def _local_time(moment, market):
    return moment.astimezone(MARKETS[market].timezone).strftime("%Y-%m-%dT%H:%M:%S")


def _number(amount):
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def render_product_row(product, market):
    """A row of the product lists (Coupang docs: product-api/lookup-seller-product-list-paging)."""
    return {
        "sellerProductId": product.seller_product_id,
        "sellerProductName": product.names[market],
        "displayCategoryCode": 77413,
        "categoryId": 2102,
        "productId": product.seller_product_id + 1000000,
        "vendorId": product.vendor_id,
        "mdId": "sandbox@",
        "mdName": None,
        "saleStartedAt": _local_time(product.created_at, market),
        "saleEndedAt": SALE_ENDED_AT,
        "brand": product.brand,
        "statusName": STATUS_NAMES[product.status],
        "createdAt": _local_time(product.created_at, market),
    }


def render_item(item, market):
    """A vendor item (Coupang docs: product-api/lookup-seller-product, ``items``)."""
    price = _number(item.sale_price[market])
    return {
        "offerCondition": "NEW",
        "offerDescription": "",
        "sellerProductItemId": item.seller_product_item_id,
        "vendorItemId": item.vendor_item_id,
        "itemName": item.names[market],
        "originalPrice": price,
        "salePrice": price,
        "supplyPrice": price,
        "maximumBuyCount": item.maximum_buy_count,
        "maximumBuyForPerson": 0,
        "outboundShippingTimeDay": 2,
        "maximumBuyForPersonPeriod": 1,
        "unitCount": 1,
        "adultOnly": "EVERYONE",
        "taxType": "TAX",
        "parallelImported": "NOT_PARALLEL_IMPORTED",
        "overseasPurchased": "NOT_OVERSEAS_PURCHASED",
        "externalVendorSku": item.external_vendor_sku,
        "pccNeeded": False,
        "emptyBarcode": not item.barcode,
        "emptyBarcodeReason": "" if item.barcode else "NOT_ISSUEED",
        "barcode": item.barcode,
        "modelNo": "",
        "attributes": [
            {"attributeTypeName": type_name, "attributeValueName": value_name, "exposed": "EXPOSED", "editable": False}
            for type_name, value_name in item.attributes[market]
        ],
    }


def render_inventory(item, market):
    """A vendor item's stock, price and sale status (Coupang docs:
    product-api/lookup-quantity-price-status-by-product)."""
    return {
        "sellerItemId": item.vendor_item_id,
        "amountInStock": item.maximum_buy_count,
        "salePrice": _number(item.sale_price[market]),
        "onSale": item.on_sale,
        "bestPriceGuaranteed3P": False,
    }


def render_product(product, market):
    """One product with its items (Coupang docs: product-api/lookup-seller-product)."""
    return {
        **render_product_row(product, market),
        "displayProductName": product.names[market],
        "generalProductName": product.names[market],
        "requested": product.status not in ("SAVING", "SAVED"),
        "items": [render_item(item, market) for item in product.items],
    }
