package com.contoso.partnercenter.bff.validation;

import io.swagger.v3.oas.annotations.media.Schema;

/** A GCC validation code as portals see it: Partner Center's fields, each null when it leaves it out. */
// Every member is always sent, null when Partner Center leaves it out: required, so generated clients
// need no undefined checks.
@Schema(
        description = "A Government Community Cloud validation code of the partner.",
        requiredProperties = {"validationId", "organizationName", "partnerId", "maxCreates", "remainingCreates"})
public record ValidationCode(
        @Schema(
                nullable = true,
                description = "The code to give when creating a GCC customer or qualification.",
                example = "12345")
        String validationId,

        @Schema(nullable = true, example = "Contoso, Inc.") String organizationName,

        @Schema(nullable = true, example = "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d")
        String partnerId,

        @Schema(
                nullable = true,
                description = "How many customers the code may create; null when Partner Center does not say.",
                example = "5")
        Integer maxCreates,

        @Schema(
                nullable = true,
                description = "How many creations are left; null when Partner Center does not say.",
                example = "4")
        Integer remainingCreates) {

    static ValidationCode of(com.contoso.partnercenter.bff.partnercenter.ValidationCode code) {
        return new ValidationCode(
                code.validationId(),
                code.organizationName(),
                code.partnerId(),
                code.maxCreates(),
                code.remainingCreates());
    }
}
