package com.contoso.partnercenter.bff.partnercenter;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/** An {@code Idempotency-Key} the service cannot take as it is: a problem of its own type each. */
public final class IdempotencyConflict extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Duration retryAfter;

    private IdempotencyConflict(HttpStatus status, String type, String title, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    static IdempotencyConflict invalidKey() {
        return new IdempotencyConflict(
                HttpStatus.BAD_REQUEST,
                "invalid-request",
                "Invalid request",
                "Idempotency-Key must be 1 to 255 printable ASCII characters, such as a UUID.",
                null);
    }

    static IdempotencyConflict reused() {
        return new IdempotencyConflict(
                HttpStatus.UNPROCESSABLE_CONTENT,
                "idempotency-key-reused",
                "Idempotency-Key used for another request",
                "This Idempotency-Key was sent with another request (another customer, qualification or field) in"
                        + " the last 24 hours. Use a new key for a new update.",
                null);
    }

    static IdempotencyConflict inFlight(Duration retryAfter) {
        return new IdempotencyConflict(
                HttpStatus.CONFLICT,
                "idempotency-key-in-flight",
                "The first request with this Idempotency-Key is still in flight",
                "A request with this Idempotency-Key is being sent to Partner Center now. Send it again after"
                        + " Retry-After: it then gets that request's answer.",
                retryAfter);
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** Whether sending the same request again may succeed: after an in-flight one is done, it does. */
    public boolean retryable() {
        return retryAfter != null;
    }

    /** Whole seconds for {@code Retry-After}, at least one; {@code null} for none. */
    public Long retryAfterSeconds() {
        return retryAfter == null ? null : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
