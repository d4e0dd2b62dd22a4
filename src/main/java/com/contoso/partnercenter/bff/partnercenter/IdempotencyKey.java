package com.contoso.partnercenter.bff.partnercenter;

/**
 * An update's {@code Idempotency-Key} (draft-ietf-httpapi-idempotency-key-header) and whose it is: keys are the
 * calling portal's, so two portals may use the same key for different updates.
 *
 * @param caller who sends the update: the portal's client id.
 * @param key the key as sent: 1 to 255 printable ASCII characters, optionally as a structured-field string in
 *     quotes, which is the same key.
 * @param location where the first request's answer says the created qualification is ({@code Location}): a repeat
 *     is answered the same, on whichever replica it lands.
 */
public record IdempotencyKey(String caller, String key, String location) {}
