package com.contoso.partnercenter.bff.qualification;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One qualification of a customer as portals see it. Values are strings, not enums: Partner Center adds
 * qualifications and vetting statuses without notice, and a portal must see a new value rather than an error.
 */
// Every member is always sent, null when Partner Center leaves it out: required, so generated clients
// need no undefined checks.
@Schema(
        description = "One qualification of a customer, with its vetting state.",
        requiredProperties = {"qualification", "vettingStatus", "vettingReason", "vettingCreatedDate"})
public record CustomerQualification(
        @Schema(
                nullable = true,
                description = "Known values: None, Education, Nonprofit, GovernmentCommunityCloud,"
                        + " StateOwnedEntity; new values are passed through unchanged.",
                example = "Education")
        String qualification,

        @Schema(
                nullable = true,
                description = "Known values: Approved, InReview, Denied; new values are passed through unchanged.",
                example = "InReview")
        String vettingStatus,

        @Schema(
                nullable = true,
                description = "Why the vetting ended as it did, when Partner Center says.",
                example = "Not an Education Customer")
        String vettingReason,

        @Schema(
                nullable = true,
                description = "When the vetting started, as an ISO-8601 instant in UTC.",
                example = "2020-12-03T10:37:38.885Z")
        String vettingCreatedDate) {

    public static CustomerQualification of(
            com.contoso.partnercenter.bff.partnercenter.CustomerQualification qualification) {
        return new CustomerQualification(
                qualification.qualification(),
                qualification.vettingStatus(),
                qualification.vettingReason(),
                qualification.vettingCreatedDate());
    }
}
