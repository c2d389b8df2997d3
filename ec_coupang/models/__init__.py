# Inherited by ec.account and ec.fetch.slot: defined before them.
from . import ec_fetch_schedule_trigger
from . import delivery_carrier
from . import ec_account
from . import ec_delivery_company
from . import ec_fetch_log
from . import ec_fetch_schedule
from . import ec_fetch_slot
from . import ec_location
from . import ec_order_import
from . import ec_product_mapping
from . import ec_tracking_push
from . import ec_tracking_push_attempt
from . import res_partner
from . import sale_order
from . import sale_order_line
from . import stock_picking
