package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.web.CustomerId;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

@Schema(description = "The customers to decide for.")
record EligibilityBatchRequest(
        @ArraySchema(
                arraySchema =
                        @Schema(
                                description = "1 to 100 customer (tenant) ids; a repeated id is answered once.",
                                requiredMode = Schema.RequiredMode.REQUIRED),
                schema = @Schema(format = "uuid", example = "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a"),
                minItems = 1,
                maxItems = EligibilityBatchRequest.MAX)
        @NotNull(message = "is required")
        @Size(min = 1, max = EligibilityBatchRequest.MAX, message = "must hold 1 to 100 customer ids")
        List<@CustomerId String> customerIds) {

    static final int MAX = 100;
}
