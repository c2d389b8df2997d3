import collections
import os
import re

import polib
from lxml import etree

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")

# What a few terms read in each language the addon is translated into: the Taiwan market's
# users read Traditional Chinese, the Korea market's Korean (Odoo loads ko.po for ko_KR).
LANGUAGES = {
    "zh_TW": {
        "catalogue": "zh_TW.po",
        "vendor_id": "供應商 ID",
        "connected": "已連線",
        "fetch_done": "完成",
        "test_connection": "測試連線",
    },
    "ko_KR": {
        "catalogue": "ko.po",
        "vendor_id": "업체코드",
        "connected": "연결됨",
        "fetch_done": "완료",
        "test_connection": "연결 테스트",
    },
}

# Python placeholders, QWeb/HTML tags and entities: a translation must keep every one of them.
MARKS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|</?[a-zA-Z][^>]*>|&[a-z]+;")


def _addon_terms(env, addon="ec_coupang"):
    reader = TranslationModuleReader(env.cr, [addon])
    return {source for module, _type, _name, _res_id, source, _value, _comments in reader if module == addon}


def _catalogue(lang):
    return polib.pofile(os.path.join(I18N, LANGUAGES[lang]["catalogue"]))


def _marks(text):
    return collections.Counter(MARKS.findall(text))


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def _env_in(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["ec_coupang"], [lang], overwrite=True)
        return self.env(context=dict(self.env.context, lang=lang))

    def test_every_term_of_the_addon_is_translated(self):
        terms = _addon_terms(self.env)
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                catalogue = _catalogue(lang)
                translated = {entry.msgid for entry in catalogue.translated_entries()}
                self.assertFalse(sorted(terms - translated), f"terms without a {lang} translation")
                self.assertFalse([entry.msgid for entry in catalogue.fuzzy_entries()], f"fuzzy {lang} entries")

    def test_translations_keep_the_placeholders_and_markup(self):
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                changed = [
                    entry.msgid
                    for entry in _catalogue(lang).translated_entries()
                    if _marks(entry.msgid) != _marks(entry.msgstr)
                ]
                self.assertFalse(changed, f"{lang} entries whose placeholders or tags differ from the source")

    def test_the_pot_lists_every_term(self):
        terms = _addon_terms(self.env)
        template = {entry.msgid for entry in polib.pofile(os.path.join(I18N, "ec_coupang.pot"))}
        self.assertFalse(sorted(terms - template), "run scripts/update-translations")

    def test_the_form_speaks_the_language(self):
        for lang, words in LANGUAGES.items():
            with self.subTest(lang=lang):
                fields = self._env_in(lang)["ec.account"].fields_get(["coupang_vendor_id", "state"])
                self.assertEqual(fields["coupang_vendor_id"]["string"], words["vendor_id"])
                self.assertIn(("connected", words["connected"]), fields["state"]["selection"])

    def test_the_form_view_speaks_the_language(self):
        for lang, words in LANGUAGES.items():
            with self.subTest(lang=lang):
                arch = self._env_in(lang)["ec.account"].get_view(view_type="form")["arch"]
                button = etree.fromstring(arch).xpath("//button[@name='action_test_connection']")[0]
                self.assertEqual(button.get("string"), words["test_connection"])

    def test_selections_of_computed_fields_speak_the_language(self):
        english = dict(self.env["stock.picking"].fields_get(["ec_push_state"])["ec_push_state"]["selection"])
        for lang, words in LANGUAGES.items():
            with self.subTest(lang=lang):
                env = self._env_in(lang)
                fields = env["ec.account"].fields_get(["last_fetch_state"])
                self.assertIn(("done", words["fetch_done"]), fields["last_fetch_state"]["selection"])
                fields = env["stock.picking"].fields_get(["ec_push_state"])
                self.assertNotEqual(dict(fields["ec_push_state"]["selection"])["done"], english["done"])

    def test_taiwan_users_read_the_brand_they_know_beside_coupang(self):
        """Taiwan users know Coupang as 酷澎: in Traditional Chinese, 酷澎 stands beside Coupang where the
        user's guide sends them (the platform, the menus, the account form's title), English unchanged."""
        menus = ("ec_order_import_menu", "ec_coupang_request_menu", "ec_delivery_company_menu")
        env = self._env_in("zh_TW")
        platforms = dict(env["ec.account"].fields_get(["platform"])["platform"]["selection"])
        self.assertEqual(platforms["coupang"], "Coupang 酷澎")
        for menu in menus:
            with self.subTest(menu=menu):
                self.assertIn("Coupang 酷澎", env.ref(f"ec_coupang.{menu}").name)
                self.assertNotIn("酷澎", self.env.ref(f"ec_coupang.{menu}").with_context(lang="en_US").name)
        title = etree.fromstring(env["ec.account"].get_view(view_type="form")["arch"]).xpath("//h1/field[@name='name']")
        self.assertIn("Coupang 酷澎", title[0].get("placeholder"))
        heading = env["ec.account"].get_view(view_type="form")["arch"]
        self.assertIn("Coupang 酷澎 Open API", heading)
