import os

import polib

from odoo.addons.ec_coupang.tests.test_i18n import _addon_terms
from odoo.tests import TransactionCase, tagged

ADDON = "ec_coupang_queue_job"
I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestTraditionalChinese(TransactionCase):
    def test_every_term_of_the_addon_is_translated(self):
        terms = _addon_terms(self.env, ADDON)
        catalogue = polib.pofile(os.path.join(I18N, "zh_TW.po"))
        translated = {entry.msgid for entry in catalogue.translated_entries()}
        self.assertFalse(sorted(terms - translated), "terms without a zh_TW translation")
        self.assertFalse([entry.msgid for entry in catalogue.fuzzy_entries()], "fuzzy zh_TW entries")

    def test_the_pot_lists_every_term(self):
        terms = _addon_terms(self.env, ADDON)
        template = {entry.msgid for entry in polib.pofile(os.path.join(I18N, f"{ADDON}.pot"))}
        self.assertFalse(sorted(terms - template), "run scripts/update-translations")
