package com.contoso.partnercenter.bff.eligibility;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Locale;

/**
 * Whether a customer may purchase, derived from the account validation status by Partner Center's
 * documented rule. Anything the rule does not cover is blocked: a wrong "yes" can put through a purchase
 * Microsoft then refuses, a wrong "no" only delays one.
 */
@Schema(
        description = "Whether the customer may purchase, and why.",
        requiredProperties = {"customerId", "eligible", "accountStatus", "reason"})
public record PurchaseEligibility(
        @Schema(example = "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a")
        String customerId,

        @Schema(description = "true when purchases are allowed.")
        boolean eligible,

        @Schema(
                description = "Partner Center's account status verbatim; null when it keeps none for the customer.",
                nullable = true,
                example = "Allowed")
        String accountStatus,

        @Schema(description = "A short sentence a portal can show to a person.")
        String reason,

        @JsonIgnore @Schema(hidden = true) Outcome outcome)
        implements EligibilityAnswer {

    /** How the rule decided; a metric tag. */
    public enum Outcome {
        ALLOWED,
        NO_STATUS,
        BLOCKED,
        NOT_COVERED
    }

    public static PurchaseEligibility noAccountStatus(String customerId) {
        return new PurchaseEligibility(
                customerId,
                true,
                null,
                "Partner Center keeps no account status for this customer, so its purchases are not blocked.",
                Outcome.NO_STATUS);
    }

    /** Matches case-insensitively and ignoring spaces, so "Not Ready", "NotReady" and "notready" are one. */
    public static PurchaseEligibility fromAccountStatus(String customerId, String status) {
        String key = status == null ? "" : status.replace(" ", "").toLowerCase(Locale.ROOT);
        return switch (key) {
            case "allowed" ->
                new PurchaseEligibility(
                        customerId, true, status, "The customer's account is allowed to purchase.", Outcome.ALLOWED);
            case "underreview" -> blocked(customerId, status, "while the customer's account is under review");
            case "notallowed" ->
                blocked(customerId, status, "because the customer's account is not allowed to purchase");
            case "unknown" -> blocked(customerId, status, "because the customer's account status is unknown");
            default ->
                new PurchaseEligibility(
                        customerId,
                        false,
                        status,
                        "Purchases are blocked because the account status "
                                + (key.isEmpty() ? "is empty, which" : "\"" + status + "\"")
                                + " is not covered by the documented eligibility rules.",
                        Outcome.NOT_COVERED);
        };
    }

    private static PurchaseEligibility blocked(String customerId, String status, String why) {
        return new PurchaseEligibility(
                customerId, false, status, "Purchases are blocked " + why + ".", Outcome.BLOCKED);
    }
}
