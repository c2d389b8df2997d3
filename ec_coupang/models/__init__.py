from . import ec_account
from . import ec_delivery_company
from . import ec_fetch_slot
from . import ec_location
from . import sale_order
from . import sale_order_line
from . import delivery_carrier
from . import stock_picking
