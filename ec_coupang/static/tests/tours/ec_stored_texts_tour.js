import { registry } from "@web/core/registry";

/**
 * What a reader reads of the texts the addon stored as codes, in their own language: the test
 * hands the texts expected in the reader's language in the cookie ec_coupang_stored_texts (a JSON
 * object, URI-encoded), read from the addon's translations.
 */
function expectedTexts() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("ec_coupang_stored_texts="));
    return JSON.parse(decodeURIComponent(cookie.split("=").slice(1).join("=")));
}

function reads(content, trigger, expected, english) {
    return {
        content,
        trigger,
        run() {
            const text = this.anchor.textContent.replace(/\s+/g, " ");
            if (!text.includes(expected)) {
                throw new Error(`${content}: expected "${expected}", read "${text}"`);
            }
            if (english && text.includes(english)) {
                throw new Error(`${content}: still in English: "${text}"`);
            }
        },
    };
}

registry.category("web_tour.tours").add("ec_coupang_stored_texts_account_tour", {
    steps: () => {
        const texts = expectedTexts();
        return [
            reads(
                "the account's banner: Coupang refused the fetch for the server's IP address",
                ".o_form_view .alert-danger .o_field_widget[name=connection_message]",
                texts.banner,
                texts.banner_en
            ),
            {
                content: "open the account's settings",
                trigger: ".o_notebook .nav-link[name=settings]",
                run: "click",
            },
            reads(
                "the last fetch's summary",
                ".o_form_view .o_field_widget[name=last_fetch_summary]",
                texts.summary,
                texts.summary_en
            ),
        ];
    },
});

registry.category("web_tour.tours").add("ec_coupang_stored_texts_review_tour", {
    steps: () => {
        const texts = expectedTexts();
        return [
            reads(
                "why the order is held for review",
                ".o_form_view .alert-warning .o_field_widget[name=reason]",
                texts.reason,
                texts.reason_en
            ),
        ];
    },
});
