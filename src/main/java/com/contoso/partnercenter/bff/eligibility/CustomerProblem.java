package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.web.Problems;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Why one customer of a batch has no decision: the members of the problem the single endpoint would have
 * answered for it, so a portal handles both the same way.
 */
@Schema(
        name = "CustomerProblem",
        description = "Why the customer has no decision: the problem the single endpoint would have answered.",
        requiredProperties = {"customerId", "type", "title", "status", "detail", "retryable"})
@JsonInclude(JsonInclude.Include.NON_NULL)
record CustomerProblem(
        @Schema(example = "c0ffee00-0000-4000-8000-000000000001")
        String customerId,

        @Schema(description = "What went wrong, as a stable URN.", example = "urn:partner-center-bff:problem:throttled")
        String type,

        @Schema(example = "Partner Center is throttling requests")
        String title,

        @Schema(description = "The HTTP status the single endpoint would have answered.", example = "503")
        int status,

        @Schema(description = "A sentence a portal can show to a person.")
        String detail,

        @Schema(description = "Whether asking again later may succeed.")
        boolean retryable,

        @Schema(description = "Partner Center's error code, when it gave one.", example = "600074")
        String upstreamErrorCode,

        @Schema(description = "Partner Center's error name, when it gave one.", example = "AccountStatusNotFound")
        String upstreamErrorName,

        @Schema(description = "Seconds to wait before asking again, for a 503 or a 429.", example = "57", minimum = "1")
        Long retryAfter)
        implements EligibilityAnswer {

    static CustomerProblem of(String customerId, PartnerCenterException e) {
        return new CustomerProblem(
                customerId,
                Problems.TYPE_PREFIX + e.type(),
                e.title(),
                e.status().value(),
                e.getMessage(),
                e.retryable(),
                e.upstreamErrorCode(),
                e.upstreamErrorName(),
                e.saysWhenToComeBack() ? e.retryAfterSeconds() : null);
    }

    static CustomerProblem unexpected(String customerId) {
        return new CustomerProblem(
                customerId,
                Problems.TYPE_PREFIX + "internal-error",
                "Internal error",
                500,
                "The service failed unexpectedly. Quote the correlation id when reporting it.",
                true,
                null,
                null,
                null);
    }
}
