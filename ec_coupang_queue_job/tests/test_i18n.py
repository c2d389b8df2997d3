import os

import polib

from odoo.addons.ec_coupang.tests.test_i18n import LANGUAGES, _addon_terms
from odoo.tests import TransactionCase, tagged

ADDON = "ec_coupang_queue_job"
I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_of_the_addon_is_translated(self):
        terms = _addon_terms(self.env, ADDON)
        for lang, expected in LANGUAGES.items():
            with self.subTest(lang=lang):
                catalogue = polib.pofile(os.path.join(I18N, expected["catalogue"]))
                translated = {entry.msgid for entry in catalogue.translated_entries()}
                self.assertFalse(sorted(terms - translated), f"terms without a {lang} translation")
                self.assertFalse([entry.msgid for entry in catalogue.fuzzy_entries()], f"fuzzy {lang} entries")

    def test_the_pot_lists_every_term(self):
        terms = _addon_terms(self.env, ADDON)
        template = {entry.msgid for entry in polib.pofile(os.path.join(I18N, f"{ADDON}.pot"))}
        self.assertFalse(sorted(terms - template), "run scripts/update-translations")
