import { registry } from "@web/core/registry";

// The Coupang sandbox's demo vendor and places (fake credentials that open nothing but the
// sandbox); the Python side makes the sandbox URL the default API base URL of new accounts.
const VENDOR_ID = "A00012345";
const ACCESS_KEY = "1c7e5a90-3b2d-4f68-8e1a-0d9c4b7a2e53";
const SECRET_KEY = "sandbox-demo-secret-9d4e6f1a2b3c7d8e";

// The texts a tour checks, in the tour user's language: the Python side (tour_common.py) gives
// them; these English ones serve a tour started by hand, and Odoo's first look at the steps (before
// the Python side's texts are there).
const ENGLISH = {
    labels: {
        merchant_id: "Merchant",
        platform: "E-commerce Platform",
        name: "Display Name",
        team_id: "Channel Name",
        coupang_vendor_id: "Vendor ID",
        coupang_access_key: "Access Key",
        coupang_secret_key: "Secret Key",
        return_center_seven_eleven_id: "Return Center Code (7-11)",
        return_center_familymart_id: "Return Center Code (FamilyMart)",
        outbound_place_home_id: "Outbound Place Code (Home Delivery - Kerry TJ / HCT)",
        fetch_orders: "Fetch Orders",
        fetch_slot_ids: "Fetch Schedule",
    },
    locations_group: "Return / Outbound Center Settings",
    connection_successful: "Connection Successful",
    settings_locked: "Test the connection to unlock the settings.",
    account: "Taipei Tea House on Coupang",
    channel: "Sales",
    platform: "Coupang",
    last_fetch_requested: "Requested",
    last_fetch_state: "Done with Orders to Review",
    last_fetch_summary: "",
    coupang_order_ids: [],
    fixed_sku: "OLD-CP-TEA-001",
    still_unknown_skus: ["OLD-CP-TEA-002", "OLD-CP-TEA-003"],
    held_count: "Held: 2",
    imported_count: "Imported: 1",
    old_center: "",
    old_place: "",
    new_center: "7-11 桃園新退貨中心",
    new_place: "桃園新倉 出貨地",
};

function tourTexts() {
    return { ...ENGLISH, ...JSON.parse(sessionStorage.getItem("ec_coupang_tour_texts") || "{}") };
}

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
        trigger: ".o_notebook a.nav-link[name=settings]",
        run: "click",
    };
}

function save() {
    return [
        { content: "save", trigger: ".o_form_button_save", run: "click" },
        { content: "saved", trigger: ".o_form_saved" },
    ];
}

function openApp() {
    return [
        { content: "open the main menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        {
            content: "open the EC Integrations app",
            trigger: ".o_app[data-menu-xmlid='ec_coupang.ec_integrations_menu_root']",
            run: "click",
        },
    ];
}

function openMenu(parentXmlid, xmlid) {
    return [
        { content: `open ${parentXmlid}`, trigger: `.o_main_navbar [data-menu-xmlid='${parentXmlid}']`, run: "click" },
        { content: `open ${xmlid}`, trigger: `.dropdown-menu [data-menu-xmlid='${xmlid}']`, run: "click" },
    ];
}

function openAccountFromDashboard(name) {
    return {
        content: "open the account from its card on the EC Integrations dashboard",
        trigger: `.o_kanban_record:contains(${name}) .o_ec_account_name`,
        run: "click",
    };
}

function textOf(element) {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("sup").forEach((tooltip) => tooltip.remove()); // a help text's "?"
    return copy.textContent.trim();
}

/** The form shows the user's guide's label of each field, in the user's language. */
function guideLabels(labels, fieldNames) {
    return fieldNames.map((fieldName) => ({
        content: `the label of ${fieldName} reads "${labels[fieldName]}"`,
        trigger: `.o_form_view .o_field_widget[name=${fieldName}]`,
        run() {
            const shown = [...document.querySelectorAll(".o_form_view label.o_form_label")]
                .filter((label) => (label.getAttribute("for") || "").replace(/_\d+$/, "") === fieldName)
                .map(textOf);
            if (!shown.includes(labels[fieldName])) {
                throw new Error(`${fieldName} is labelled ${JSON.stringify(shown)}, not "${labels[fieldName]}"`);
            }
        },
    }));
}

/** Once ``trigger`` is there, one of its elements holds every text of ``texts``. */
function shows(trigger, texts, content) {
    return {
        content: content || `${trigger} shows ${JSON.stringify(texts)}`,
        trigger,
        run() {
            const found = [...document.querySelectorAll(trigger)].some((element) =>
                texts.every((text) => element.textContent.includes(text))
            );
            if (!found) {
                throw new Error(`${trigger} does not show ${JSON.stringify(texts)}`);
            }
        },
    };
}

function notificationGone() {
    return { content: "the notification is gone", trigger: "body:not(:has(.o_notification))" };
}

// A banner whose parts (title, time, message) read on one line, none dropped below the first.
function onOneLine(selector) {
    return {
        content: `${selector} holds on one line`,
        trigger: selector,
        run() {
            const [first, ...others] = [...this.anchor.querySelectorAll("strong, .o_field_widget")]
                .filter((part) => part.offsetParent && part.textContent.trim())
                .map((part) => part.getBoundingClientRect());
            if (others.some((part) => part.top >= first.bottom || part.bottom <= first.top)) {
                throw new Error(`${selector} breaks over lines: ${this.anchor.innerText}`);
            }
        },
    };
}

/**
 * What an action of the account form leaves on the record, checked once its notification is gone
 * (a notification fades; the result must stay): the connection banner of Test Connection, the Last
 * Fetch fields of the Settings page, the location warning of Load Locations.
 */
function resultOnRecord(texts, { connection = false, lastFetch = null, locationProblems = [] } = {}) {
    const steps = [notificationGone()];
    if (connection) {
        steps.push(
            shows(".o_form_view .alert-success", [texts.connection_successful], "the connection banner stays"),
            onOneLine(".o_form_view .alert-success"),
            onOneLine(".o_form_view .o_ec_last_result")
        );
    }
    if (lastFetch) {
        steps.push(
            openSettings(),
            shows(".o_field_widget[name=last_fetch_state]", [lastFetch.state], "the Last Fetch result stays"),
            shows(".o_field_widget[name=last_fetch_summary]", lastFetch.summary ? [lastFetch.summary] : [])
        );
    }
    if (locationProblems.length) {
        steps.push(
            openSettings(),
            ...locationProblems.map(([label, location]) =>
                shows(".o_field_widget[name=location_warning]", [label, location], `the warning names ${location}`)
            )
        );
    }
    return steps;
}

// The user's guide, scenario 1: connect a Coupang store, and ask for a fetch.
registry.category("web_tour.tours").add("ec_coupang_account_tour", {
    steps: () => {
        const texts = tourTexts();
        return [
            { content: "New on the EC Integrations dashboard", trigger: ".o-kanban-button-new", run: "click" },
            ...guideLabels(texts.labels, ["merchant_id", "platform", "name", "team_id"]),
            ...selectMany2one("merchant_id", "Taipei Tea House"),
            shows(".o_field_widget[name=platform]", [texts.platform], "the platform is Coupang"),
            { trigger: ".o_field_widget[name=name] input", run: `edit ${texts.account}` },
            ...selectMany2one("team_id", texts.channel),
            ...guideLabels(texts.labels, ["coupang_vendor_id", "coupang_access_key", "coupang_secret_key"]),
            { trigger: ".o_field_widget[name=coupang_vendor_id] input", run: `edit ${VENDOR_ID}` },
            { trigger: ".o_field_widget[name=coupang_access_key] input", run: `edit ${ACCESS_KEY}` },
            { trigger: ".o_field_widget[name=coupang_secret_key] input", run: `edit ${SECRET_KEY}` },
            openSettings(),
            shows(".o_form_view .alert-info", [texts.settings_locked], "the settings are locked until the connection succeeds"),
            { trigger: ".o_field_widget[name=fetch_orders].o_readonly_modifier" },
            { content: "test the connection", trigger: "button[name=action_test_connection]", run: "click" },
            { content: "Coupang answered", trigger: ".o_notification" },
            ...resultOnRecord(texts, { connection: true }),
            { trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=connected]" },
            openSettings(),
            shows(".o_form_view .o_horizontal_separator", [texts.locations_group], "the guide's settings group"),
            ...guideLabels(texts.labels, [
                "return_center_seven_eleven_id",
                "return_center_familymart_id",
                "outbound_place_home_id",
                "fetch_orders",
            ]),
            ...selectMany2one("return_center_seven_eleven_id", "7-ELEVEN 退貨中心"),
            ...selectMany2one("return_center_familymart_id", "全家 退貨中心"),
            ...selectMany2one("outbound_place_home_id", "台北倉 出貨地"),
            {
                content: "enable order fetching",
                trigger: ".o_field_widget[name=fetch_orders] input",
                run: "click",
            },
            ...guideLabels(texts.labels, ["fetch_slot_ids"]),
            {
                content: "add a fetch time",
                trigger: "div[name=fetch_slot_ids] .o_field_x2many_list_row_add a",
                run: "click",
            },
            { trigger: "div[name=fetch_slot_ids] .o_field_widget[name=time] input", run: "edit 09:30" },
            ...save(),
            { content: "fetch now", trigger: "button[name=action_fetch_now]", run: "click" },
            { content: "the fetch is asked for", trigger: ".o_notification" },
            ...resultOnRecord(texts, { lastFetch: { state: texts.last_fetch_requested } }),
        ];
    },
});

// Scenario 1 goes on once the fetch ran: the orders, and the held ones fixed and retried.
registry.category("web_tour.tours").add("ec_coupang_fetch_review_tour", {
    steps: () => {
        const texts = tourTexts();
        const row = (text) => `.o_data_row:contains(${text})`;
        return [
            ...openApp(),
            openAccountFromDashboard(texts.account),
            ...resultOnRecord(texts, {
                lastFetch: { state: texts.last_fetch_state, summary: texts.last_fetch_summary },
            }),
            { content: "open the account's orders", trigger: "button[name=action_view_sale_orders]", run: "click" },
            ...texts.coupang_order_ids.map((orderId) => ({
                content: `the Coupang order ${orderId} is in the Orders list`,
                trigger: `.o_list_view ${row(orderId)}`,
            })),
            {
                content: "only the imported orders: the held ones are not",
                trigger: `.o_list_view tbody:not(:has(.o_data_row:nth-child(${texts.coupang_order_ids.length + 1})))`,
            },
            // Fix the cause of one held order: map its unknown item to a product.
            ...openMenu("ec_coupang.ec_configuration_menu", "ec_coupang.ec_product_mapping_menu"),
            {
                content: `map the item ${texts.fixed_sku}`,
                trigger: `.o_list_view ${row(texts.fixed_sku)} td[name=product_id]`,
                run: "click",
            },
            {
                content: "choose its product",
                trigger: ".o_selected_row .o_field_widget[name=product_id] input",
                run: "edit CP-TEA-001",
            },
            {
                content: "the product with that internal reference",
                trigger: ".o_selected_row .o_field_widget[name=product_id] .o-autocomplete--dropdown-item > a:contains(CP-TEA-001)",
                run: "click",
            },
            { content: "save the mapping", trigger: ".o_list_button_save", run: "click" },
            { content: "saved", trigger: `.o_list_view:not(:has(.o_selected_row)) ${row(texts.fixed_sku)}` },
            // Retry every held order at once from the list.
            ...openMenu("ec_coupang.ec_operations_menu", "ec_coupang.ec_order_import_menu"),
            { content: "the fixed order is held still", trigger: `.o_list_view ${row(texts.fixed_sku)}` },
            ...texts.still_unknown_skus.map((sku) => ({ trigger: `.o_list_view ${row(sku)}` })),
            {
                content: "select every order to review",
                trigger: ".o_list_view thead .o_list_record_selector input",
                run: "click",
            },
            {
                content: "retry them at once",
                trigger: ".o_control_panel button[name=action_retry_selected]",
                run: "click",
            },
            shows(
                ".o_notification",
                [texts.held_count, texts.imported_count, ...texts.still_unknown_skus],
                "one notification sums them up, with why the others are still held"
            ),
            notificationGone(),
            {
                content: "still on the list: the imported order gone from it, the held ones left",
                trigger: `.o_list_view:not(:has(${row(texts.fixed_sku)})) ${row(texts.still_unknown_skus[0])}`,
            },
            { trigger: `.o_list_view ${row(texts.still_unknown_skus[1])}` },
        ];
    },
});

// The user's guide, scenario 2: the warehouse moved; reselect the return center and outbound place.
registry.category("web_tour.tours").add("ec_coupang_reload_locations_tour", {
    steps: () => {
        const texts = tourTexts();
        const labels = texts.labels;
        return [
            ...openApp(),
            openAccountFromDashboard(texts.account),
            openSettings(),
            shows(".o_form_view .o_horizontal_separator", [texts.locations_group], "the guide's settings group"),
            ...guideLabels(labels, ["return_center_seven_eleven_id", "outbound_place_home_id"]),
            {
                content: "load the locations again",
                trigger: "button[name=action_load_locations]",
                run: "click",
            },
            { content: "Coupang answered", trigger: ".o_notification" },
            ...resultOnRecord(texts, {
                locationProblems: [
                    [labels.return_center_seven_eleven_id, texts.old_center],
                    [labels.outbound_place_home_id, texts.old_place],
                ],
            }),
            ...selectMany2one("return_center_seven_eleven_id", texts.new_center),
            ...selectMany2one("outbound_place_home_id", texts.new_place),
            ...save(),
            {
                content: "the new center and place chosen, nothing is warned about",
                trigger: ".o_form_view:not(:has(.o_field_widget[name=location_warning]))",
            },
        ];
    },
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
