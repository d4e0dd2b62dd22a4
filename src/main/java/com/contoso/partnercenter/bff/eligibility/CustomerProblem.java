package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.web.Problems;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Why one customer of a batch has no decision: the members of the problem the single endpoint would have
 * answered for it, so a portal handles both the same way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(
        description = "The problem the single endpoint would have answered for this customer.",
        requiredProperties = {"customerId", "type", "title", "status", "detail", "retryable"})
record CustomerProblem(
        @Schema(example = "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a")
        String customerId,

        @Schema(example = "urn:partner-center-bff:problem:throttled")
        String type,

        @Schema(example = "Partner Center asked to wait") String title,

        @Schema(description = "The HTTP status the single endpoint would have answered.", example = "503")
        int status,

        @Schema(
                example =
                        "Partner Center asked to wait 57 s before the next request, longer than this request may take.")
        String detail,

        @Schema(description = "Whether asking again later may succeed.")
        boolean retryable,

        @Schema(description = "Partner Center's error code, when it gave one.", nullable = true)
        String upstreamErrorCode,

        @Schema(description = "Partner Center's error name, when it gave one.", nullable = true)
        String upstreamErrorName,

        @Schema(description = "Seconds to wait before asking again, for a 503.", nullable = true, example = "57")
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
                e.status().value() == 503 ? e.retryAfterSeconds() : null);
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
