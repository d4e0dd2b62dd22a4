package com.contoso.partnercenter.bff.eligibility;

import io.swagger.v3.oas.annotations.media.Schema;

/** One customer's item in a batch: the decision, or why there is none. */
@Schema(
        description = "The customer's eligibility, or a problem when it could not be decided.",
        oneOf = {PurchaseEligibility.class, CustomerProblem.class})
sealed interface EligibilityAnswer permits PurchaseEligibility, CustomerProblem {}
