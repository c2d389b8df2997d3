"""Seeded, reproducible demo data: a Taiwan tea shop selling on Coupang, plus a few Korean orders.

Store pickup orders carry the chain, the store and its number in ``receiver.addr1``, e.g.
``7-ELEVEN 信義門市 (店號 176543)``: Coupang documents no store-pickup field, so this is the
product's working assumption until a real Taiwan vendor account shows the actual form.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .store import MARKETS, Order, OrderLine, Place, Vendor

DEMO_VENDOR_ID = "A00012345"
DEMO_ACCESS_KEY = "1c7e5a90-3b2d-4f68-8e1a-0d9c4b7a2e53"  # fake: the sandbox's demo vendor only
DEMO_SECRET_KEY = "sandbox-demo-secret-9d4e6f1a2b3c7d8e"  # fake: the sandbox's demo vendor only
# A second store for an account made by hand beside the demo's (one active account per store).
SECOND_VENDOR_ID = "A00067890"
SECOND_ACCESS_KEY = "7b2f9c41-6e0a-4d3b-9a58-2c1e8f4d6b07"  # fake: the sandbox's second vendor only
SECOND_SECRET_KEY = "sandbox-second-secret-4a7c1e9b3d5f2a6c"  # fake: the sandbox's second vendor only
# The stores' Wing login IDs, which the seller's cancel names (userId).
DEMO_WING_USER_ID = "teashop01"
SECOND_WING_USER_ID = "teashop02"


@dataclass(frozen=True)
class CatalogueItem:
    sku: str
    vendor_item_id: int
    seller_product_id: int
    name_zh: str
    option_zh: str
    name_ko: str
    option_ko: str
    price_twd: Decimal
    price_krw: Decimal


# The shop's products; other tests create Odoo products with these SKUs (externalVendorSkuCode).
SKU_CATALOGUE = (
    CatalogueItem(
        "CP-TEA-001",
        80012340001,
        13570001,
        "高山烏龍茶",
        "150g",
        "대만 고산 우롱차",
        "150g",
        Decimal(450),
        Decimal(18000),
    ),
    CatalogueItem(
        "CP-TEA-002",
        80012340002,
        13570002,
        "阿里山金萱茶",
        "150g",
        "아리산 진쉬안차",
        "150g",
        Decimal(520),
        Decimal(21000),
    ),
    CatalogueItem(
        "CP-TEA-003", 80012340003, 13570003, "東方美人茶", "75g", "동방미인차", "75g", Decimal(680), Decimal(27000)
    ),
    CatalogueItem(
        "CP-TEA-004", 80012340004, 13570004, "日月潭紅茶", "100g", "일월담 홍차", "100g", Decimal(380), Decimal(15000)
    ),
    CatalogueItem(
        "CP-POT-001",
        80012340005,
        13570005,
        "鶯歌陶瓷茶壺",
        "300ml",
        "잉거 도자기 찻주전자",
        "300ml",
        Decimal(1280),
        Decimal(52000),
    ),
    CatalogueItem(
        "CP-CUP-001", 80012340006, 13570006, "品茗杯組", "4入", "찻잔 세트", "4개입", Decimal(360), Decimal(14500)
    ),
    CatalogueItem(
        "CP-SNK-001",
        80012340007,
        13570007,
        "鳳梨酥禮盒",
        "10入",
        "펑리수 선물세트",
        "10개입",
        Decimal(250),
        Decimal(9900),
    ),
    CatalogueItem(
        "CP-BAG-001", 80012340008, 13570008, "茶葉夾鏈袋", "20入", "찻잎 지퍼백", "20개입", Decimal(120), Decimal(4900)
    ),
)

SEVEN_ELEVEN_STORES = (
    ("信義門市", "176543", "臺北市信義區松仁路100號", "110"),
    ("松江門市", "131386", "臺北市中山區松江路152號", "104"),
    ("板橋府中門市", "940215", "新北市板橋區府中路48號", "220"),
    ("台中公益門市", "203145", "臺中市西區公益路168號", "403"),
    ("高雄巨蛋門市", "905487", "高雄市左營區博愛二路777號", "813"),
    ("新竹光復門市", "186609", "新竹市東區光復路二段101號", "300"),
)
FAMILYMART_STORES = (
    ("台大店", "006598", "臺北市大安區新生南路三段76號", "106"),
    ("南港站前店", "013372", "臺北市南港區忠孝東路七段369號", "115"),
    ("中和景平店", "017290", "新北市中和區景平路230號", "235"),
    ("台南成大店", "009184", "臺南市東區大學路1號", "701"),
    ("桃園藝文店", "015526", "桃園市桃園區中正路1188號", "330"),
)
# Home delivery areas served by Kerry TJ (嘉里大榮) and HCT (新竹物流).
TW_HOME_STREETS = (
    ("臺北市大安區忠孝東路四段", "106"),
    ("新北市新莊區中正路", "242"),
    ("桃園市中壢區中大路", "320"),
    ("新竹縣竹北市光明六路", "302"),
    ("臺中市北屯區崇德路二段", "406"),
    ("臺南市永康區中華路", "710"),
    ("高雄市苓雅區四維三路", "802"),
)
TW_SURNAMES = "王李張劉陳楊黃吳林周蔡許鄭謝"
TW_GIVEN_NAMES = ("小明", "美玲", "志豪", "怡君", "家豪", "淑芬", "俊傑", "雅婷", "冠宇", "佩珊")
TW_PARCEL_MESSAGES = ("", "請放管理室", "到店請簡訊通知", "請勿折彎")

KR_STREETS = (
    ("서울특별시 강남구 테헤란로 152", "06236", False),
    ("서울특별시 송파구 올림픽로 300", "05551", False),
    ("경기도 성남시 분당구 판교역로 166", "13529", False),
    ("부산광역시 해운대구 센텀중앙로 79", "48058", False),
    ("제주특별자치도 제주시 연삼로 473", "63125", True),
)
KR_SURNAMES = "김이박최정강조윤장임"
KR_GIVEN_NAMES = ("민준", "서연", "도윤", "지우", "하준", "서윤", "예준", "하은")

TW_TAX_RECEIPTS = (
    {"receiptOption": "E-GUI", "appliedType": "PERSONAL_COUPANG_MEMBER_CARRIER", "appliedValue": None},
    {"receiptOption": "E-GUI", "appliedType": "PERSONAL_MOBILE_BARCODE_CARRIER", "appliedValue": "/ABC1234"},
    {"receiptOption": "E-GUI", "appliedType": "DONATION", "appliedValue": "8585"},
    {"receiptOption": "E-GUI", "appliedType": "BUSINESS", "appliedValue": "24536806"},
)
TW_DELIVERY_KINDS = ("seven_eleven", "familymart", "home")
TW_DEPARTED_COURIER = "嘉里大榮物流"  # a display name: Coupang documents no Taiwan courier code


def demo_vendor():
    return Vendor(DEMO_VENDOR_ID, DEMO_ACCESS_KEY, DEMO_SECRET_KEY, wing_user_id=DEMO_WING_USER_ID)


def second_vendor():
    return Vendor(SECOND_VENDOR_ID, SECOND_ACCESS_KEY, SECOND_SECRET_KEY, wing_user_id=SECOND_WING_USER_ID)


def demo_places():
    """Return centers (one for 7-ELEVEN returns, one for FamilyMart returns) and outbound places.

    Coupang documents no Taiwan courier code, so the Taiwan centers carry an empty deliverCode.
    """
    return [
        Place.return_center("1000558001", "7-ELEVEN 退貨中心", "桃園市大園區航勤北路28號", "337"),
        Place.return_center("1000558002", "全家 退貨中心", "新北市林口區文化三路一段402號", "244"),
        Place.return_center("1000558003", "台北倉 退貨中心", "臺北市內湖區瑞光路513巷22號", "114"),
        Place.return_center("1000558004", "高雄倉 退貨中心 (停用)", "高雄市前鎮區成功二路88號", "806", usable=False),
        Place.outbound_place("2500001", "台北倉 出貨地", "臺北市內湖區瑞光路513巷22號", "114"),
        Place.outbound_place("2500002", "桃園物流中心", "桃園市蘆竹區南崁路一段83號", "338"),
    ]


class OrderFactory:
    """Makes reproducible orders: the same seed and anchor time give the same orders."""

    def __init__(self, seed, now, id_taken):
        self.rng = random.Random(seed)
        self.now = now
        self._id_taken = id_taken
        self._issued = set()

    def _unique_id(self, digits):
        while True:
            value = self.rng.randrange(10 ** (digits - 1), 10**digits)
            if value not in self._issued and not self._id_taken(value):
                self._issued.add(value)
                return value

    def _masked_name(self, surnames, given_names):
        return f"{self.rng.choice(surnames)}*{self.rng.choice(given_names)[-1]}"

    def _discount(self, price, chance, rate):
        return (price * rate).quantize(Decimal(1)) if self.rng.random() < chance else Decimal(0)

    def _lines(self, market, line_count=None):
        picks = self.rng.sample(SKU_CATALOGUE, line_count or self.rng.randint(1, 3))
        return [self.line(market, item, self.rng.randint(1, 3)) for item in picks]

    def line(self, market, item, quantity):
        taiwan = market == "TW"
        price = item.price_twd if taiwan else item.price_krw
        name, option = (item.name_zh, item.option_zh) if taiwan else (item.name_ko, item.option_ko)
        return OrderLine(
            vendor_item_id=item.vendor_item_id,
            vendor_item_name=f"{name}, {option}",
            seller_product_id=item.seller_product_id,
            seller_product_name=name,
            seller_product_item_name=option,
            external_vendor_sku_code=item.sku,
            shipping_count=quantity,
            sales_price=price,
            instant_coupon_discount=self._discount(price * quantity, 0.3, Decimal("0.1")),
            downloadable_coupon_discount=self._discount(price * quantity, 0.1, Decimal("0.05")),
            coupang_discount=self._discount(price * quantity, 0.15, Decimal("0.05")),
            estimated_shipping_date=(self.now + timedelta(days=2)).date().isoformat(),
        )

    def _tw_receiver(self, kind, name, phone):
        if kind == "seven_eleven":
            store, number, address, zip_code = self.rng.choice(SEVEN_ELEVEN_STORES)
            addr1, addr2 = f"7-ELEVEN {store} (店號 {number})", address
        elif kind == "familymart":
            store, number, address, zip_code = self.rng.choice(FAMILYMART_STORES)
            addr1, addr2 = f"全家 {store} (店號 {number})", address
        else:
            street, zip_code = self.rng.choice(TW_HOME_STREETS)
            addr1, addr2 = f"{street}{self.rng.randint(1, 400)}號", f"{self.rng.randint(2, 20)}樓"
        return {
            "name": name,
            "safeNumber": phone,
            "receiverNumber": None,
            "addr1": addr1,
            "addr2": addr2,
            "postCode": zip_code,
        }

    def _tw_phone(self):
        return f"+886 9{self.rng.randint(10, 99)} {self.rng.randint(100, 999)} {self.rng.randint(100, 999)}"

    def _kr_phone(self):
        return f"0503-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}"

    def order(self, vendor_id, market="TW", *, status="ACCEPT", delivery=None, lines=None, ordered_at=None):
        """One order; ``delivery`` is a Taiwan delivery kind (default: picked at random)."""
        taiwan = market == "TW"
        lines = lines or self._lines(market)
        name = (
            self._masked_name(TW_SURNAMES, TW_GIVEN_NAMES) if taiwan else self._masked_name(KR_SURNAMES, KR_GIVEN_NAMES)
        )
        phone = self._tw_phone() if taiwan else self._kr_phone()
        ordered_at = ordered_at or self.now - timedelta(minutes=self.rng.randint(15, 7 * 24 * 60))
        remote = False
        if taiwan:
            delivery = delivery or self.rng.choice(TW_DELIVERY_KINDS)
            receiver = self._tw_receiver(delivery, name, phone)
            goods = sum(line.sales_price * line.shipping_count for line in lines)
            shipping = Decimal(0) if goods >= 990 else Decimal(60 if delivery != "home" else 100)
        else:
            street, zip_code, remote = self.rng.choice(KR_STREETS)
            receiver = {
                "name": name, "safeNumber": phone, "receiverNumber": None,
                "addr1": street, "addr2": f"{self.rng.randint(101, 120)}동 {self.rng.randint(101, 1502)}호",
                "postCode": zip_code,
            }  # fmt: skip
            shipping = Decimal(3000)
        order = Order(
            shipment_box_id=self._unique_id(18),
            order_id=self._unique_id(14),
            vendor_id=vendor_id,
            market=market,
            currency=MARKETS[market].currency,
            ordered_at=ordered_at.astimezone(MARKETS[market].timezone),
            paid_at=(ordered_at + timedelta(seconds=self.rng.randint(5, 120))).astimezone(MARKETS[market].timezone),
            status=status,
            orderer={"name": name, "email": "", "safeNumber": phone, "ordererNumber": None},
            receiver=receiver,
            lines=lines,
            shipping_price=shipping,
            remote_price=Decimal(3000) if remote else None,
            remote_area=remote,
            parcel_print_message=self.rng.choice(TW_PARCEL_MESSAGES) if taiwan else "문 앞",
            is_cod=taiwan and delivery != "home" and self.rng.random() < 0.1,
            extra_properties=self._extra_properties(taiwan),
            refer=self.rng.choice(("PC웹", "안드로이드앱", "아이폰앱")),
        )
        if status in ("DEPARTURE", "DELIVERING", "FINAL_DELIVERY"):
            order.delivery_company_name = TW_DEPARTED_COURIER if taiwan else "CJ 대한통운"
            order.invoice_number = str(self.rng.randrange(10**11, 10**12))
        return order

    def _extra_properties(self, taiwan):
        if not taiwan:
            return {}
        return {
            "taxReceiptInfo": dict(self.rng.choice(TW_TAX_RECEIPTS)),
            "sameDayShipping": "false",
            "cutOffTimeHour": "0",
        }

    def seeded_orders(self, vendor_id, tw_count, kr_count):
        """Taiwan orders cycling through 7-ELEVEN, FamilyMart and home delivery, then Korean ones."""
        statuses = ("ACCEPT",) * 7 + ("INSTRUCT",) * 2 + ("DEPARTURE",)
        orders = [
            self.order(vendor_id, "TW", status=self.rng.choice(statuses), delivery=TW_DELIVERY_KINDS[index % 3])
            for index in range(tw_count)
        ]
        if orders:
            self.make_cod_business_order(orders[0])
        orders += [self.order(vendor_id, "KR", status=self.rng.choice(statuses)) for _ in range(kr_count)]
        return orders

    @staticmethod
    def make_cod_business_order(order):
        """A Taiwan order paid at the store on pickup, with a parcel message and a business
        e-invoice: the demo shows every order field a Taiwan vendor meets."""
        order.is_cod = True
        order.parcel_print_message = TW_PARCEL_MESSAGES[2]
        order.extra_properties = {**order.extra_properties, "taxReceiptInfo": dict(TW_TAX_RECEIPTS[3])}


def anchor_time(now=None):
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
