package com.contoso.partnercenter.bff.partnercenter;

import java.util.List;

/**
 * What the watch knows of a customer (GET /api/v1/customer-events): its account validation status and its
 * qualifications, each {@code null} where Partner Center has none (a 404). Two states are the same event when they
 * are equal.
 *
 * @param customerId the customer's tenant id, as the portal asked for it.
 * @param validationStatus the account validation status; {@code null} when Partner Center keeps none.
 * @param qualifications the qualifications (the asynchronous API's list); {@code null} when Partner Center has none.
 */
public record CustomerState(
        String customerId, ValidationStatus validationStatus, List<CustomerQualification> qualifications) {

    public CustomerState {
        qualifications = qualifications == null ? null : List.copyOf(qualifications);
    }
}
