from . import ec_coupang_cancel_wizard
from . import ec_coupang_cancel_wizard_line
