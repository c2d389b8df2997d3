import os

from odoo.addons.ec_coupang.tests.test_i18n import TranslatedAddonMixin
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTraditionalChinese(TranslatedAddonMixin, TransactionCase):
    addon = "ec_coupang_queue_job"
    i18n = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
