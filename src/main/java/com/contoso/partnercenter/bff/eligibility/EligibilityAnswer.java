package com.contoso.partnercenter.bff.eligibility;

import io.swagger.v3.oas.annotations.media.Schema;

/** One customer's item in a batch: the decision, or why there is none. */
sealed interface EligibilityAnswer permits PurchaseEligibility, CustomerProblem {

    /**
     * How a batch item is documented: one object whose members are the decision's or the problem's. A
     * {@code oneOf} of the two says the same more strictly, but clients generated from it cannot tell the two
     * apart without a discriminator (openapi-generator's Java client rejects every item as matching both), and
     * adding one would make a decision in a batch differ from the single endpoint's.
     */
    @Schema(
            name = "EligibilityAnswer",
            description = """
                    Either the customer's eligibility (eligible, accountStatus and reason, as the single endpoint \
                    answers it) or, when it could not be decided, the problem the single endpoint would have \
                    answered (type, title, status, detail, retryable, and upstreamErrorCode, upstreamErrorName \
                    and retryAfter when they apply). Tell them apart by eligible or status.""",
            requiredProperties = {"customerId"})
    record Documented(
            @Schema(example = "c0ffee00-0000-4000-8000-000000000001")
            String customerId,

            @Schema(description = "A decision: true when purchases are allowed.")
            Boolean eligible,

            @Schema(
                    description = "A decision: Partner Center's account status verbatim; null when it keeps"
                            + " none for the customer.",
                    nullable = true,
                    example = "Allowed")
            String accountStatus,

            @Schema(description = "A decision: a short sentence a portal can show to a person.")
            String reason,

            @Schema(
                    description = "A problem: what went wrong, as a stable URN.",
                    example = "urn:partner-center-bff:problem:throttled")
            String type,

            @Schema(description = "A problem: its title.", example = "Partner Center asked to wait")
            String title,

            @Schema(
                    description = "A problem: the HTTP status the single endpoint would have answered.",
                    example = "503")
            Integer status,

            @Schema(description = "A problem: a sentence a portal can show to a person.")
            String detail,

            @Schema(description = "A problem: whether asking again later may succeed.")
            Boolean retryable,

            @Schema(description = "A problem: Partner Center's error code, when it gave one.")
            String upstreamErrorCode,

            @Schema(description = "A problem: Partner Center's error name, when it gave one.")
            String upstreamErrorName,

            @Schema(description = "A problem: seconds to wait before asking again, for a 503.", example = "57")
            Long retryAfter) {}
}
