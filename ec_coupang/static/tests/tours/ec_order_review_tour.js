import { registry } from "@web/core/registry";

const row = (text) => `.o_data_row:contains(${text})`;

registry.category("web_tour.tours").add("ec_coupang_review_bulk_retry_tour", {
    steps: () => [
        {
            content: "select the order held for its unknown SKU OLD-CP-TEA-001 (now mapped)",
            trigger: `.o_list_view ${row("OLD-CP-TEA-001")} .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "and the one held for OLD-CP-TEA-002 (still unknown)",
            trigger: `.o_list_view ${row("OLD-CP-TEA-002")} .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "retry both at once",
            trigger: ".o_control_panel button[name=action_retry_selected]",
            run: "click",
        },
        {
            content: "one notification sums them up, with why one is still held",
            trigger: ".o_notification:contains(Held: 1, Imported: 1.):contains(OLD-CP-TEA-002)",
        },
        {
            content: "still on the list, the imported order gone from it, the held one left",
            trigger: `.o_list_view:not(:has(${row("OLD-CP-TEA-001")})) ${row("OLD-CP-TEA-002")}`,
        },
    ],
});
