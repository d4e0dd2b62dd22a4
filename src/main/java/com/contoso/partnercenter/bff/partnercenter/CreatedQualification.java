package com.contoso.partnercenter.bff.partnercenter;

/**
 * What an update answered: the qualification Partner Center created (usually {@code InReview}).
 *
 * @param qualification the created qualification.
 * @param requestId the {@code MS-RequestId} the update was sent with, which finds it in Partner Center's records.
 * @param replayed whether this is the first request's answer again, for a repeated {@code Idempotency-Key}: no
 *     second update was sent.
 * @param location for an update with an {@code Idempotency-Key}, the {@code Location} the first request answered;
 *     else {@code null}.
 */
public record CreatedQualification(
        CustomerQualification qualification, String requestId, boolean replayed, String location) {}
