package com.contoso.partnercenter.bff.partnercenter;

import io.swagger.v3.oas.annotations.media.Schema;

/** A customer's validation status as Partner Center reports it. */
@Schema(description = "A customer's validation status as Partner Center reports it.")
public record ValidationStatus(
        @Schema(example = "account") String type,

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

    public ValidationStatus {
        lastUpdateDateTime = UpstreamDates.normalize(lastUpdateDateTime);
    }
}
