package com.contoso.partnercenter.bff.events;

import com.contoso.partnercenter.bff.eligibility.PurchaseEligibility;
import com.contoso.partnercenter.bff.partnercenter.CustomerState;
import com.contoso.partnercenter.bff.qualification.CustomerQualification;
import com.contoso.partnercenter.bff.validation.ValidationStatus;
import com.contoso.partnercenter.bff.web.Items;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The data of one {@code customer} event: a customer's state in the shapes of the GET answers, its eligibility
 * derived by the same rule as GET purchase-eligibility.
 */
@Schema(
        description = "A customer's state, the data of a customer event: sent first, then whenever a part of it"
                + " changes.",
        requiredProperties = {"customerId", "validationStatus", "eligibility", "qualifications"})
public record CustomerEvent(
        @Schema(
                description = "The customer's tenant id, as the stream asked for it.",
                example = "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a")
        String customerId,

        @Schema(
                nullable = true,
                description = "As GET validation-status answers it; null when Partner Center keeps"
                        + " no account status for the customer.")
        ValidationStatus validationStatus,

        @Schema(description = "As GET purchase-eligibility answers it.")
        PurchaseEligibility eligibility,

        @Schema(nullable = true, description = "As GET qualifications answers it; null when Partner Center has none.")
        Items<CustomerQualification> qualifications) {

    static final String ACCOUNT = "account";

    static CustomerEvent of(CustomerState state) {
        String id = state.customerId();
        var status = state.validationStatus();
        var qualifications = state.qualifications();
        return new CustomerEvent(
                id,
                status == null ? null : ValidationStatus.of(ACCOUNT, status),
                status == null
                        ? PurchaseEligibility.noAccountStatus(id)
                        : PurchaseEligibility.fromAccountStatus(id, status.status()),
                qualifications == null
                        ? null
                        : new Items<>(qualifications.stream()
                                .map(CustomerQualification::of)
                                .toList()));
    }
}
