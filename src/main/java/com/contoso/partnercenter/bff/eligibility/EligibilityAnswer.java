package com.contoso.partnercenter.bff.eligibility;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One customer's item in a batch: the decision, or why there is none. Documented as a {@code oneOf} without a
 * discriminator, so a decision in a batch is the single endpoint's answer unchanged; each side's required
 * members tell them apart ({@code eligible} only a decision has, {@code status} only a problem).
 */
@Schema(
        name = "EligibilityAnswer",
        description = "The customer's eligibility, as the single endpoint answers it, or the problem the single"
                + " endpoint would have answered for the customer. Tell them apart by eligible or status.",
        oneOf = {PurchaseEligibility.class, CustomerProblem.class})
sealed interface EligibilityAnswer permits PurchaseEligibility, CustomerProblem {}
