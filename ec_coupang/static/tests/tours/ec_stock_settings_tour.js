import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ec_coupang_stock_settings_tour", {
    steps: () => [
        {
            content: "open the account's Settings tab",
            trigger: ".o_notebook .nav-link[name=settings]",
            run: "click",
        },
        {
            content: "turn on Send Stock to Coupang",
            trigger: ".o_form_view div[name=stock_push] input[type=checkbox]",
            run: "click",
        },
        {
            content: "keep 2 units back",
            trigger: ".o_form_view div[name=stock_safety] input",
            run: "edit 2",
        },
        {
            content: "send every mapped item's stock now (the form is saved first)",
            trigger: ".o_form_view button[name=action_send_stock_now]",
            run: "click",
        },
        {
            content: "the scheduled action sends it: no wait on Coupang",
            trigger: ".o_notification_content:contains(The stock of every mapped item is being sent to Coupang.)",
        },
        {
            content: "the settings are saved",
            trigger: ".o_form_view .o_form_saved, .o_form_view:not(:has(.o_form_button_save:visible))",
        },
    ],
});
