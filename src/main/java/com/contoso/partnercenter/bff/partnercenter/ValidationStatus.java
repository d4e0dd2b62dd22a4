package com.contoso.partnercenter.bff.partnercenter;

/** A customer's validation status as Partner Center answers it; its dates read as UTC instants. */
public record ValidationStatus(String type, String status, String lastUpdateDateTime) {

    public ValidationStatus {
        lastUpdateDateTime = UpstreamDates.normalize(lastUpdateDateTime);
    }
}
