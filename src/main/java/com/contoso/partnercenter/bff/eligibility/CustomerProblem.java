package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.web.Problems;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Why one customer of a batch has no decision: the members of the problem the single endpoint would have
 * answered for it, so a portal handles both the same way.
 */
// Documented as EligibilityAnswer.Documented.
@JsonInclude(JsonInclude.Include.NON_NULL)
record CustomerProblem(
        String customerId,
        String type,
        String title,
        int status,
        String detail,
        boolean retryable,
        String upstreamErrorCode,
        String upstreamErrorName,
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
