import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ec_coupang_stop_shipment_tour", {
    steps: () => [
        {
            content: "the delivery warns that the buyer asked to stop it",
            trigger: ".o_ec_stop_requested:contains(do not ship it)",
        },
        { content: "try to validate it anyway", trigger: "button[name=button_validate]", run: "click" },
        {
            content: "validation is refused",
            trigger: ".modal-body:contains(asked Coupang to stop this shipment)",
        },
        { content: "close the message", trigger: ".modal-footer .btn-primary", run: "click" },
        {
            content: "apply the request now",
            trigger: ".o_ec_stop_requested button[name=action_ec_apply_requests]",
            run: "click",
        },
        {
            content: "the delivery is canceled",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Cancelled)",
        },
    ],
});

/** The list's texts that are cut (ended with an ellipsis), and whether the list scrolls sideways. */
function cutTexts() {
    const list = document.querySelector(".o_list_renderer");
    const cut = [...list.querySelectorAll("th, th *, td, td *")]
        .filter((element) => getComputedStyle(element).textOverflow === "ellipsis")
        .filter((element) => element.scrollWidth > element.clientWidth + 1)
        .map((element) => element.textContent.trim());
    if (list.scrollWidth > list.clientWidth + 1) {
        cut.push("(the list scrolls sideways)");
    }
    return cut;
}

// The status in the tour user's language, as the test reads it (tour_common.py).
function statusText() {
    const texts = JSON.parse(sessionStorage.getItem("ec_coupang_tour_texts") || "{}");
    return texts.status || "Stop-shipment requested";
}

registry.category("web_tour.tours").add("ec_coupang_requests_list_tour", {
    steps: () => [
        {
            content: "Coupang's status of the request is shown in words",
            trigger: `.o_list_view .o_data_row:contains(${statusText()})`,
        },
        {
            content: "never as Coupang's code",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(RELEASE_STOP_UNCHECKED)))",
        },
        {
            content: "no text of the list is cut at a laptop's width",
            trigger: ".o_list_view .o_data_row",
            run() {
                const cut = cutTexts();
                if (cut.length) {
                    throw new Error(`Cut in the list: ${cut.join(" | ")}`);
                }
            },
        },
    ],
});
