package com.contoso.partnercenter.bff.partnercenter.throttle;

/** Which calls one 429 holds back: {@code partner-center.throttle.scope.<operation>}. */
public enum ThrottleScope {
    /** One customer's calls of the operation: Partner Center limits per partner and customer. */
    CUSTOMER,
    /** Every call of the operation: Partner Center limits per partner. */
    PARTNER
}
