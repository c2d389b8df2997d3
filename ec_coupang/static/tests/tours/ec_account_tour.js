import { registry } from "@web/core/registry";

// The Coupang sandbox's demo vendor and places (fake credentials that open nothing but the
// sandbox); the Python side makes the sandbox URL the default API base URL of new accounts.
const VENDOR_ID = "A00012345";
const ACCESS_KEY = "1c7e5a90-3b2d-4f68-8e1a-0d9c4b7a2e53";
const SECRET_KEY = "sandbox-demo-secret-9d4e6f1a2b3c7d8e";

function selectMany2one(fieldName, text) {
    return [
        {
            content: `open ${fieldName}`,
            trigger: `.o_field_widget[name=${fieldName}] input`,
            run: `edit ${text}`,
        },
        {
            content: `choose ${text}`,
            trigger: `.o_field_widget[name=${fieldName}] .o-autocomplete--dropdown-item > a:contains(${text})`,
            run: "click",
        },
    ];
}

function openSettings() {
    return {
        content: "open the settings",
        trigger: ".o_notebook a.nav-link:contains(Settings)",
        run: "click",
    };
}

function save() {
    return [
        { content: "save", trigger: ".o_form_button_save", run: "click" },
        { content: "saved", trigger: ".o_form_saved" },
    ];
}

registry.category("web_tour.tours").add("ec_coupang_account_tour", {
    steps: () => [
        { content: "create an EC account", trigger: ".o_list_button_add", run: "click" },
        ...selectMany2one("merchant_id", "Taipei Tea House"),
        { trigger: ".o_field_widget[name=name] input", run: "edit Taipei Tea House on Coupang" },
        { trigger: ".o_field_widget[name=coupang_vendor_id] input", run: `edit ${VENDOR_ID}` },
        { trigger: ".o_field_widget[name=coupang_access_key] input", run: `edit ${ACCESS_KEY}` },
        { trigger: ".o_field_widget[name=coupang_secret_key] input", run: `edit ${SECRET_KEY}` },
        openSettings(),
        {
            content: "the settings are locked until the connection succeeds",
            trigger: ".alert-info:contains(Test the connection to unlock the settings)",
        },
        { trigger: ".o_field_widget[name=fetch_orders].o_readonly_modifier" },
        {
            content: "test the connection",
            trigger: "button[name=action_test_connection]",
            run: "click",
        },
        // The notification fades after a few seconds; the form's banner stays.
        { content: "Coupang answered", trigger: ".alert-success:contains(Connection Successful)" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Connected)" },
        openSettings(),
        ...selectMany2one("return_center_seven_eleven_id", "7-ELEVEN 退貨中心"),
        ...selectMany2one("return_center_familymart_id", "全家 退貨中心"),
        ...selectMany2one("outbound_place_home_id", "台北倉 出貨地"),
        {
            content: "enable order fetching",
            trigger: ".o_field_widget[name=fetch_orders] input",
            run: "click",
        },
        {
            content: "add a fetch time",
            trigger: "div[name=fetch_slot_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        { trigger: "div[name=fetch_slot_ids] .o_field_widget[name=time] input", run: "edit 09:30" },
        ...save(),
    ],
});

registry.category("web_tour.tours").add("ec_coupang_reload_locations_tour", {
    steps: () => [
        { content: "open the account", trigger: ".o_data_row td:contains(Taipei Tea House)", run: "click" },
        {
            content: "load the locations again",
            trigger: "button[name=action_load_locations]",
            run: "click",
        },
        openSettings(),
        {
            content: "the form reloaded: the chosen center is no longer on Coupang",
            trigger: ".o_field_widget[name=location_warning]:contains(is no longer listed by Coupang)",
        },
        {
            content: "the locations counted are those on Coupang (one center gone, a new one): 6",
            trigger: "button[name=action_view_locations] .o_stat_value:contains(6)",
        },
        ...selectMany2one("return_center_seven_eleven_id", "7-11 桃園新退貨中心"),
        ...save(),
    ],
});

registry.category("web_tour.tours").add("ec_coupang_load_locations_unconfigured_tour", {
    steps: () => [
        { content: "open the account", trigger: ".o_data_row td:contains(Taipei Tea House)", run: "click" },
        openSettings(),
        {
            content: "no location is chosen yet, and none is required while fetching is off",
            trigger: ".o_field_widget[name=return_center_seven_eleven_id]:not(.o_required_modifier)",
        },
        {
            content: "load the locations from Coupang",
            trigger: "button[name=action_load_locations]",
            run: "click",
        },
        {
            content: "Coupang's new center arrived (6 locations before, 7 now)",
            trigger: "button[name=action_view_locations] .o_stat_value:contains(7)",
        },
        { content: "no invalid field was reported", trigger: "body:not(:has(.o_notification_bar.bg-danger))" },
        openSettings(),
        ...selectMany2one("return_center_seven_eleven_id", "7-11 桃園新退貨中心"),
        {
            content: "fetching on: the other locations are required now",
            trigger: ".o_field_widget[name=fetch_orders] input",
            run: "click",
        },
        { trigger: ".o_field_widget[name=return_center_familymart_id].o_required_modifier" },
        {
            content: "fetching off again",
            trigger: ".o_field_widget[name=fetch_orders] input",
            run: "click",
        },
        ...save(),
    ],
});
