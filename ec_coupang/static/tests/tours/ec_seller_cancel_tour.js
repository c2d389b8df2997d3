import { registry } from "@web/core/registry";

// The texts in the tour user's language, as the test reads them (tour_common.py).
function texts() {
    return JSON.parse(sessionStorage.getItem("ec_coupang_tour_texts") || "{}");
}

function expectText(selector, text) {
    const element = document.querySelector(selector);
    if (!element || !element.textContent.replace(/\s+/g, " ").includes(text)) {
        throw new Error(`${selector} does not read ${JSON.stringify(text)}: ${element && element.textContent}`);
    }
}

registry.category("web_tour.tours").add("ec_coupang_seller_cancel_tour", {
    steps: () => [
        {
            content: "the Coupang order offers Cancel on Coupang",
            trigger: "button[name=action_ec_cancel_on_coupang]",
            run() {
                expectText("button[name=action_ec_cancel_on_coupang]", texts().button);
            },
        },
        { content: "open it", trigger: "button[name=action_ec_cancel_on_coupang]", run: "click" },
        {
            content: "the wizard warns that it counts against the seller's score",
            trigger: ".modal .alert-warning",
            run() {
                expectText(".modal .alert-warning", texts().warning);
            },
        },
        {
            content: "every open unit is to cancel",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "choose Coupang's reason",
            trigger: ".modal div[name=cancel_reason] select",
            run: `selectByLabel ${texts().reason}`,
        },
        {
            content: "confirm",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Coupang canceled it",
            trigger: ".o_notification_content",
            run() {
                expectText(".o_notification_content", texts().done);
            },
        },
        {
            content: "the order no longer offers the cancel",
            trigger: ".o_form_view:not(:has(button[name=action_ec_cancel_on_coupang]))",
        },
    ],
});
