# Mixins, defined before the models that inherit them (ec.account, ec.fetch.slot, ec.coupang.importer,
# ec.coupang.request).
from . import ec_fetch_schedule_trigger
from . import ec_account_dashboard
from . import ec_coupang_sheet_import
from . import ec_coupang_request_apply
from . import account_move
from . import delivery_carrier
from . import ec_account
from . import ec_coupang_importer
from . import ec_coupang_order_mapper
from . import ec_coupang_request
from . import ec_coupang_request_checker
from . import ec_coupang_rate_slot
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
