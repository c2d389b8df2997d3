import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ec_coupang_inquiry_tour", {
    steps: () => [
        {
            content: "open Operations",
            trigger: ".o_menu_sections [data-menu-xmlid='ec_coupang.ec_operations_menu']",
            run: "click",
        },
        {
            content: "open Inquiries",
            trigger: ".o-dropdown-item[data-menu-xmlid='ec_coupang.ec_coupang_inquiry_menu']",
            run: "click",
        },
        {
            content: "open the buyer's question, to answer",
            trigger: ".o_data_row td[name=content]:contains(When do you ship my tea?)",
            run: "click",
        },
        {
            content: "write the answer",
            trigger: ".o_form_view div[name=answer] textarea",
            run: "edit Tomorrow morning.",
        },
        {
            content: "send it",
            trigger: ".o_form_view button[name=action_send_answer]",
            run: "click",
        },
        {
            content: "Coupang took it",
            trigger: ".o_notification_content:contains(Answer sent to Coupang.)",
        },
        {
            content: "the inquiry is answered: it no longer offers Send Answer",
            trigger: ".o_form_view:not(:has(button[name=action_send_answer])) div[name=answer]",
        },
    ],
});
