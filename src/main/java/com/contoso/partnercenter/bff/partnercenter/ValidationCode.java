package com.contoso.partnercenter.bff.partnercenter;

/** A Government Community Cloud validation code of the partner, as Partner Center answers it. */
public record ValidationCode(
        String validationId, String organizationName, String partnerId, Integer maxCreates, Integer remainingCreates) {}
