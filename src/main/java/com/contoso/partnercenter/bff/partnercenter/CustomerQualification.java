package com.contoso.partnercenter.bff.partnercenter;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * One qualification of a customer as Partner Center answers it. Values are strings, not enums: Partner Center
 * adds qualifications and vetting statuses without notice.
 */
public record CustomerQualification(
        String qualification,
        String vettingStatus,
        String vettingReason,
        // The GET document spells it vettingCreatedDate, the POST document vettingCreateDate.
        @JsonAlias("vettingCreateDate") String vettingCreatedDate) {

    public CustomerQualification {
        vettingCreatedDate = UpstreamDates.normalize(vettingCreatedDate);
    }
}
