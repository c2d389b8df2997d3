from . import ec_account
from . import ec_coupang_importer
from . import ec_coupang_request
from . import ec_coupang_request_checker
from . import ec_order_page
from . import ec_tracking_push
from . import queue_job
