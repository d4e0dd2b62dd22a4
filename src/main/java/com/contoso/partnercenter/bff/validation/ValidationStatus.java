package com.contoso.partnercenter.bff.validation;

import io.swagger.v3.oas.annotations.media.Schema;

/** A customer's validation status as portals see it: always of the type asked for, dates as UTC instants. */
// Every member is always sent, null when Partner Center leaves it out: required, so generated clients
// need no undefined checks.
@Schema(
        description = "A customer's validation status as Partner Center reports it.",
        requiredProperties = {"type", "status", "lastUpdateDateTime"})
public record ValidationStatus(
        @Schema(allowableValues = "account", example = "account")
        String type,

        @Schema(
                nullable = true,
                description = "Partner Center's value verbatim. Documented: Unknown, UnderReview, Allowed,"
                        + " NotAllowed, Not Ready (with its space).",
                example = "Allowed")
        String status,

        @Schema(
                nullable = true,
                description = "When the status last changed, as an ISO-8601 instant in UTC; null because Partner"
                        + " Center no longer fills it in.")
        String lastUpdateDateTime) {

    /** The status of the type asked for, whatever spelling (or none) Partner Center answers with. */
    public static ValidationStatus of(
            String type, com.contoso.partnercenter.bff.partnercenter.ValidationStatus status) {
        return new ValidationStatus(type, status.status(), status.lastUpdateDateTime());
    }
}
