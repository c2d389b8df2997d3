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
