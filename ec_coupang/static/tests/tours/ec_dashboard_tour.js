import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains(Coupang TW Tea House)";

registry.category("web_tour.tours").add("ec_coupang_dashboard_tour", {
    steps: () => [
        { content: "open the main menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        {
            content: "open the EC Integrations app",
            trigger: ".o_app[data-menu-xmlid='ec_coupang.ec_integrations_menu_root']",
            run: "click",
        },
        { content: "the dashboard has a card per account", trigger: ".o_kanban_record:contains(Coupang TW Outlet)" },
        { content: "the account is connected", trigger: `${CARD} .o_ec_connection:contains(Connected)` },
        {
            content: "its long name wraps, whole on the card",
            trigger: `${CARD} .o_ec_account_name:contains(Taipei Xinyi Flagship Store)`,
            run() {
                const name = this.anchor;
                if (name.scrollWidth > name.clientWidth || name.closest(".o_kanban_record").scrollWidth > name.closest(".o_kanban_record").clientWidth) {
                    throw new Error("the account's name is cut");
                }
            },
        },
        {
            content: "click the account's orders to review",
            trigger: `${CARD} .o_ec_count_to_review:contains(2)`,
            run: "click",
        },
        { content: "the held order is listed", trigger: ".o_list_view .o_data_row:contains(910001)" },
        { content: "the failed order is listed", trigger: ".o_list_view .o_data_row:contains(910002)" },
        {
            content: "only those two: not the imported one, not the other account's",
            trigger: ".o_list_view tbody:not(:has(.o_data_row:nth-child(3)))",
        },
    ],
});

registry.category("web_tour.tours").add("ec_coupang_cod_delivery_tour", {
    steps: () => [
        {
            content: "the delivery shows the amount to collect",
            trigger: ".o_field_widget[name=ec_cod_amount]:contains(915):contains(NT$)",
        },
        {
            content: "and the buyer's parcel message",
            trigger: ".o_field_widget[name=ec_parcel_message]:contains(到店請簡訊通知)",
        },
    ],
});
