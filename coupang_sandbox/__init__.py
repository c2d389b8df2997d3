"""A faithful stand-in for Coupang's Open API on loopback, for tests and demos.

Built from Coupang's published documentation: it checks every CEA HMAC signature, the signed-date
window, the key's allowed IPs and the vendorId, pages like Coupang, moves order statuses, records
every request and injects faults. Never imported by the addon's production code.
"""

from .data import (
    DEMO_ACCESS_KEY,
    DEMO_SECRET_KEY,
    DEMO_VENDOR_ID,
    DEMO_WING_USER_ID,
    SECOND_ACCESS_KEY,
    SECOND_SECRET_KEY,
    SECOND_VENDOR_ID,
    SKU_CATALOGUE,
    CatalogueItem,
)
from .faults import Fault
from .server import CoupangSandbox, RecordedRequest
from .store import Order, OrderLine, Place, Vendor
