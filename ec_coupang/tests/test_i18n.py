import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


def _addon_terms(env, addon="ec_coupang"):
    reader = TranslationModuleReader(env.cr, [addon])
    return {source for module, _type, _name, _res_id, source, _value, _comments in reader if module == addon}


class TranslatedAddonMixin:
    """Every term of ``addon`` has its Traditional Chinese translation, and its .pot lists it."""

    addon = "ec_coupang"
    i18n = I18N

    def test_every_term_of_the_addon_is_translated(self):
        terms = _addon_terms(self.env, self.addon)
        catalogue = polib.pofile(os.path.join(self.i18n, "zh_TW.po"))
        translated = {entry.msgid for entry in catalogue.translated_entries()}
        self.assertFalse(sorted(terms - translated), "terms without a zh_TW translation")
        self.assertFalse([entry.msgid for entry in catalogue.fuzzy_entries()], "fuzzy zh_TW entries")

    def test_the_pot_lists_every_term(self):
        terms = _addon_terms(self.env, self.addon)
        template = {entry.msgid for entry in polib.pofile(os.path.join(self.i18n, f"{self.addon}.pot"))}
        self.assertFalse(sorted(terms - template), "run scripts/update-translations")


@tagged("post_install", "-at_install")
class TestTraditionalChinese(TranslatedAddonMixin, TransactionCase):
    def test_the_form_speaks_traditional_chinese(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        self.env["ir.module.module"]._load_module_terms(["ec_coupang"], ["zh_TW"], overwrite=True)
        fields = self.env["ec.account"].with_context(lang="zh_TW").fields_get(["coupang_vendor_id", "state"])
        self.assertEqual(fields["coupang_vendor_id"]["string"], "供應商 ID")
        self.assertIn(("connected", "已連線"), fields["state"]["selection"])

    def test_selections_of_computed_fields_speak_traditional_chinese(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        self.env["ir.module.module"]._load_module_terms(["ec_coupang"], ["zh_TW"], overwrite=True)
        fields = self.env["ec.account"].with_context(lang="zh_TW").fields_get(["last_fetch_state"])
        self.assertIn(("done", "完成"), fields["last_fetch_state"]["selection"])
        fields = self.env["stock.picking"].with_context(lang="zh_TW").fields_get(["ec_push_state"])
        english = dict(self.env["stock.picking"].fields_get(["ec_push_state"])["ec_push_state"]["selection"])
        self.assertNotEqual(dict(fields["ec_push_state"]["selection"])["done"], english["done"])
