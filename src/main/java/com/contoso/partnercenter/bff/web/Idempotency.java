package com.contoso.partnercenter.bff.web;

/**
 * The HTTP side of an update's {@code Idempotency-Key} (draft-ietf-httpapi-idempotency-key-header); what a key means
 * is the Partner Center module's.
 */
public final class Idempotency {

    public static final String HEADER = "Idempotency-Key";

    /** Said on an answer that is the first request's answer again: no second update was sent. */
    public static final String REPLAYED = "Idempotent-Replayed";

    /** The request attribute that holds the {@code MS-RequestId} an update was (or was first) sent with. */
    public static final String REQUEST_ID_ATTRIBUTE = Idempotency.class.getName() + ".requestId";

    private Idempotency() {}
}
