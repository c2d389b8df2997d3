"""Browser tours in each language of the addon: English, Traditional Chinese and Korean.

A scenario decorated with ``in_each_language`` becomes one test per language (e.g.
``test_scenario_1_..._zh_TW``), each with its own database transaction and sandbox: the language is
activated with the addon's texts, the tour user works in it, and ``start_tour_in_language`` hands
the tour the texts it checks, translated by the addon's catalogue, so a label the user's guide names
is read on screen in the user's language.
"""

import json
import os

import polib

TOUR_LANGUAGES = ("en_US", "zh_TW", "ko_KR")
CATALOGUES = {"zh_TW": "zh_TW.po", "ko_KR": "ko.po"}
I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
# Where the tour's JavaScript reads its texts (ec_account_tour.js): kept for the browser tab.
TEXTS_KEY = "ec_coupang_tour_texts"
TOUR_USER = "admin"


def in_each_language(scenario):
    """Marks a scenario of a ``TourInEachLanguage`` class: it runs once per language of
    ``TOUR_LANGUAGES``, as the tests ``<its name>_<language>``."""
    scenario.ec_tour_in_each_language = True
    return scenario


def _in_language(scenario, lang):
    def test(self):
        self.use_tour_language(lang)
        scenario(self)

    test.__name__ = f"{scenario.__name__}_{lang}"
    test.__qualname__ = test.__name__
    test.__doc__ = scenario.__doc__
    return test


class TourInEachLanguage:
    """Mixin of an HttpCase whose ``in_each_language`` scenarios run in every language."""

    tour_lang = "en_US"

    def __init_subclass__(cls, **kwargs):  # pylint: disable=missing-return
        super().__init_subclass__(**kwargs)
        for name, scenario in list(vars(cls).items()):
            if getattr(scenario, "ec_tour_in_each_language", False):
                delattr(cls, name)
                for lang in TOUR_LANGUAGES:
                    setattr(cls, f"{name}_{lang}", _in_language(scenario, lang))

    def use_tour_language(self, lang):
        """Activates ``lang`` with the addon's texts and makes it the tour user's language."""
        self.tour_lang = lang
        if lang != "en_US":
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["ec_coupang"], [lang], overwrite=True)
        user = self.env["res.users"].search([("login", "=", TOUR_USER)])
        user.lang = lang
        # Odoo's onboarding tours (web_tour) would start beside the scenario's.
        user.tour_enabled = False
        self.tour_env = self.env(context=dict(self.env.context, lang=lang))

    def term(self, source):
        """The addon's text ``source`` in the tour's language, as its catalogue translates it."""
        if self.tour_lang == "en_US":
            return source
        if not hasattr(self, "_tour_catalogue"):
            catalogue = polib.pofile(os.path.join(I18N, CATALOGUES[self.tour_lang]))
            self._tour_catalogue = {entry.msgid: entry.msgstr for entry in catalogue.translated_entries()}
        translated = self._tour_catalogue.get(source)
        self.assertTrue(translated, f"{source!r} has no {self.tour_lang} translation")
        return translated

    def terms(self, **sources):
        """{key: the text in the tour's language} of {key: the English text}; each reads otherwise
        than in English, so a tour that finds it on screen saw the language."""
        texts = {key: self.term(source) for key, source in sources.items()}
        if self.tour_lang != "en_US":
            same = [source for key, source in sources.items() if texts[key] == source]
            self.assertFalse(same, f"untranslated in {self.tour_lang}")
        return texts

    def selection_label(self, model, field, value):
        """The label of a selection value as the tour user reads it."""
        return dict(self.tour_env[model]._fields[field]._description_selection(self.tour_env))[value]

    def start_tour_in_language(self, url_path, tour_name, texts, **kwargs):
        """``start_tour`` for the tour user, the tour reading ``texts`` (its texts in the language)."""
        options = {"stepDelay": 0, "keepWatchBrowser": False, "debug": False, "startUrl": url_path}
        code = (
            f"sessionStorage.setItem({TEXTS_KEY!r}, {json.dumps(json.dumps(texts))});"
            f" odoo.startTour({tour_name!r}, {json.dumps(options)})"
        )
        self.start_tour(url_path, tour_name, login=TOUR_USER, code=code, **kwargs)
