package com.contoso.partnercenter.bff.partnercenter.failure;

import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.Breaker.COUNTS;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.Breaker.IGNORED;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.From.BAD_ANSWER;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.From.CONNECTION;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.From.ENTRA_ID;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.From.ERROR_ANSWER;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.From.SERVICE;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.PortalStatus.SAME_AS_UPSTREAM;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.Resend.AFTER_NEW_CONSENT;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.Resend.ALWAYS;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.Resend.IF_IDEMPOTENT;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.Resend.NEVER;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.When.LATER;
import static com.contoso.partnercenter.bff.partnercenter.failure.FailureKind.When.NOW;

import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import org.springframework.http.HttpStatus;

/**
 * The one rule for every way a Partner Center call can fail: what the portal is told (status, problem type,
 * title, whether it may send the request again), whether the service itself tries again, whether the failure
 * counts towards the operation's circuit breaker, and whether it closes a throttle gate. The failure table of
 * the portal developers' guide is this table.
 *
 * <p>The rule that joins the columns: the portal is told {@code retryable} exactly when the service would
 * retry the failure itself, deadline permitting. A {@linkplain #isFinal final} failure is one the service
 * does not retry now because the wait it needs (the deadline, an open circuit, a closed gate) is longer
 * than the request may take; the portal may still come back later. Partner Center's own {@code isRetryable},
 * where an answer carries it, decides instead of the {@link Resend} column, whatever the status.
 */
public enum FailureKind {
    /** 404: Partner Center has no such resource (600074 "no account status" included). */
    NOT_FOUND(404, "not-found", "Not found in Partner Center", NEVER, NOW, IGNORED, ERROR_ANSWER),
    /** 403 with ApiFault code 20002: the partner has no relationship with that customer. */
    NO_RELATIONSHIP(403, "no-relationship", "No relationship with this customer", NEVER, NOW, IGNORED, ERROR_ANSWER),
    /** 400, 409, 412: Partner Center refused the request as asked; the portal gets the same status. */
    REJECTED(SAME_AS_UPSTREAM, "upstream-rejected", "Rejected by Partner Center", NEVER, NOW, IGNORED, ERROR_ANSWER),
    /**
     * 401 with error code 900421: Partner Center enforces multi-factor authentication on App+User calls and the
     * consenting user's token lacks it. Only a new consent, with MFA, mends it ({@link ConsentNeeded}).
     */
    MFA_REQUIRED(
            502,
            "upstream-credentials",
            "Partner Center requires multi-factor authentication",
            AFTER_NEW_CONSENT,
            NOW,
            IGNORED,
            ERROR_ANSWER),
    /** Any other 401 or 403: the service's own credentials, permissions or consent are wrong. */
    CREDENTIALS(
            502,
            "upstream-credentials",
            "Partner Center refused the service's credentials",
            NEVER,
            NOW,
            IGNORED,
            ERROR_ANSWER),
    /** 429: Partner Center did not act on the request and asks to wait; the throttle gate closes. */
    THROTTLED(503, "throttled", "Partner Center is throttling requests", ALWAYS, NOW, IGNORED, ERROR_ANSWER),
    /** 408: Partner Center gave up waiting for the request. */
    REQUEST_TIMEOUT(502, "upstream-failure", "Partner Center failed", IF_IDEMPOTENT, NOW, IGNORED, ERROR_ANSWER),
    /** 500, 502, 503, 504: Partner Center, or something in front of it, is failing for now. */
    UNAVAILABLE(502, "upstream-failure", "Partner Center failed", IF_IDEMPOTENT, NOW, COUNTS, ERROR_ANSWER),
    /** Any other 5xx (501, 505, …): asking again gives the same answer, but Partner Center is still failing. */
    SERVER_ERROR(502, "upstream-failure", "Partner Center failed", NEVER, NOW, COUNTS, ERROR_ANSWER),
    /** Any other 4xx (405, 415, 422, …): the request was wrong in a way only this service can fix. */
    CLIENT_ERROR(502, "upstream-failure", "Partner Center failed", NEVER, NOW, IGNORED, ERROR_ANSWER),

    /** A 2xx answer that is not the JSON Partner Center documents. */
    MALFORMED(
            502, "upstream-malformed", "Malformed answer from Partner Center", IF_IDEMPOTENT, NOW, IGNORED, BAD_ANSWER),
    /** The connection was refused: Partner Center certainly never saw the request. */
    REFUSED(502, "upstream-unreachable", "Partner Center could not be reached", ALWAYS, NOW, COUNTS, CONNECTION),
    /** The connection broke after the request was sent: Partner Center may have acted on it. */
    BROKEN(502, "upstream-unreachable", "Partner Center could not be reached", IF_IDEMPOTENT, NOW, COUNTS, CONNECTION),
    /** One attempt took longer than its time limit. */
    ATTEMPT_TIMEOUT(
            504, "upstream-timeout", "Partner Center did not answer in time", IF_IDEMPOTENT, NOW, COUNTS, CONNECTION),
    /** The request's deadline passed, retries included. */
    DEADLINE(504, "upstream-timeout", "Partner Center did not answer in time", IF_IDEMPOTENT, LATER, IGNORED, SERVICE),

    /** Partner Center asked to wait longer than the request's deadline allows: its wait is passed on. */
    WAIT_PAST_DEADLINE(503, "throttled", "Partner Center asked to wait", ALWAYS, LATER, IGNORED, SERVICE),
    /** A throttle gate is closed: Partner Center throttled this scope lately and its wait is not over. */
    GATE_CLOSED(503, "throttled", "Partner Center asked to wait", ALWAYS, LATER, IGNORED, SERVICE),
    /** The operation's circuit is open: Partner Center has been failing for many customers. */
    CIRCUIT_OPEN(503, "circuit-open", "Partner Center is failing", ALWAYS, LATER, IGNORED, SERVICE),
    /** The partner's quota for the operation ({@code partner-center.quota.*}) is used up for longer than the deadline. */
    QUOTA_EXHAUSTED(503, "quota-exhausted", "The partner's quota is used up", ALWAYS, LATER, IGNORED, SERVICE),
    /**
     * The calling portal has used its share of the partner's quota and the other portals leave none spare now: it
     * sends again after {@code Retry-After}, while the others are served.
     */
    PORTAL_OVER_SHARE(
            429,
            "portal-over-share",
            "This portal is over its share of the partner's quota",
            ALWAYS,
            LATER,
            IGNORED,
            SERVICE),
    /** Too many Partner Center calls are in flight already. */
    OVERLOADED(503, "overloaded", "Too many requests in flight", ALWAYS, LATER, IGNORED, SERVICE),

    /**
     * Entra ID refused the App+User refresh token: MFA required or expired ({@code AADSTS50076}, {@code
     * AADSTS50078}), the token expired ({@code AADSTS700082}) or the consent revoked (any other {@code
     * invalid_grant}). Only a new consent mends it ({@link ConsentNeeded}).
     */
    CONSENT_NEEDED(
            502,
            "upstream-credentials",
            "The service's consent must be renewed",
            AFTER_NEW_CONSENT,
            NOW,
            IGNORED,
            ENTRA_ID),
    /** Entra ID refused the app's own credentials or permissions ({@code invalid_client}, …): only an operator helps. */
    TOKEN_REFUSED(502, "token-unavailable", "No token from Microsoft Entra ID", NEVER, NOW, IGNORED, ENTRA_ID),
    /** Entra ID did not answer, or failed: Partner Center was never asked. */
    TOKEN_FAILED(502, "token-unavailable", "No token from Microsoft Entra ID", ALWAYS, NOW, IGNORED, ENTRA_ID);

    /** Who may send a failed request again. */
    enum Resend {
        /** Nobody: the same request gets the same answer. */
        NEVER,
        /**
         * Nobody until a person renews the service's consent, whatever Partner Center's {@code isRetryable} says:
         * the call after the renewal goes through, since the breaker never counted these.
         */
        AFTER_NEW_CONSENT,
        /** Anyone: Partner Center certainly did not act on it. */
        ALWAYS,
        /** A GET, freely; an update may have been applied, so it is not repeated blindly. */
        IF_IDEMPOTENT
    }

    /** When the service itself may try again. */
    enum When {
        /** At once, after its backoff, while attempts and the deadline last. */
        NOW,
        /** Not within this request: the wait it needs is longer than the request may take. */
        LATER
    }

    /** Whether the failure counts towards the operation's circuit breaker. */
    enum Breaker {
        /** Partner Center itself is failing, not this one request: an outage opens the circuit. */
        COUNTS,
        /** About this request or this customer, or not Partner Center's doing at all. */
        IGNORED
    }

    /** Where the failure comes from; only an answer can carry Partner Center's {@code isRetryable}. */
    enum From {
        /** Partner Center answered with an error status. */
        ERROR_ANSWER,
        /** Partner Center answered 2xx with something unreadable. */
        BAD_ANSWER,
        CONNECTION,
        SERVICE,
        ENTRA_ID
    }

    /** The portal's status where it is not one fixed status. */
    static final class PortalStatus {
        /** Partner Center's own status. */
        static final int SAME_AS_UPSTREAM = 0;

        private PortalStatus() {}
    }

    private final int status;
    private final String type;
    private final String title;
    private final Resend resend;
    private final When when;
    private final Breaker breaker;
    private final From from;

    FailureKind(int status, String type, String title, Resend resend, When when, Breaker breaker, From from) {
        this.status = status;
        this.type = type;
        this.title = title;
        this.resend = resend;
        this.when = when;
        this.breaker = breaker;
        this.from = from;
    }

    /** The kind of an error status Partner Center answered with. */
    public static FailureKind ofUpstreamStatus(int status, UpstreamError error) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 400, 409, 412 -> REJECTED;
            case 401 -> ConsentNeeded.ofPartnerCenter(status, error) ? MFA_REQUIRED : CREDENTIALS;
            case 403 -> error.isNoRelationship() ? NO_RELATIONSHIP : CREDENTIALS;
            case 429 -> THROTTLED;
            case 408 -> REQUEST_TIMEOUT;
            case 500, 502, 503, 504 -> UNAVAILABLE;
            default -> status >= 500 ? SERVER_ERROR : CLIENT_ERROR;
        };
    }

    /** The portal's status; Partner Center's own for a rejection. */
    public HttpStatus portalStatus(int upstreamStatus) {
        return HttpStatus.valueOf(status == SAME_AS_UPSTREAM ? upstreamStatus : status);
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /**
     * Whether the portal may send the request again, which is also whether the service retries it (when not
     * {@linkplain #isFinal final}). Partner Center's {@code isRetryable} decides where an answer carries it.
     */
    public boolean retryable(boolean idempotent, Boolean upstreamRetryable) {
        if (from == From.ERROR_ANSWER && upstreamRetryable != null && resend != AFTER_NEW_CONSENT) {
            return upstreamRetryable;
        }
        return switch (resend) {
            case NEVER, AFTER_NEW_CONSENT -> false;
            case ALWAYS -> true;
            case IF_IDEMPOTENT -> idempotent;
        };
    }

    /** An update that failed this way may have been applied: the portal checks before sending it again. */
    public boolean outcomeUnknown(boolean idempotent) {
        return !idempotent && resend == Resend.IF_IDEMPOTENT;
    }

    /** Not retried now whatever {@link #retryable} says: the wait it needs is longer than the request may take. */
    public boolean isFinal() {
        return when == When.LATER;
    }

    /**
     * Whether the failure says Partner Center itself is failing rather than this one request: only those open
     * a circuit. An answer Partner Center marks {@code isRetryable: false} is about the request, never an outage.
     */
    public boolean countsForBreaker(Boolean upstreamRetryable) {
        return breaker == Breaker.COUNTS && !Boolean.FALSE.equals(upstreamRetryable);
    }

    /** Partner Center answered, error or not: it is up, whatever it said. */
    public boolean partnerCenterAnswered() {
        return from == From.ERROR_ANSWER || from == From.BAD_ANSWER;
    }

    /**
     * Whether the last answer Partner Center gave may be answered instead (stale-if-error): it could not answer
     * this time (unreachable, too slow, failing, throttled, its circuit open, no token to ask it with). Its own
     * 4xx is an answer about this request or customer and stands; a 408 or 429 says it did not get to it.
     */
    public boolean lastKnownAnswerMayStandIn() {
        return switch (this) {
            // A portal over its share is told to slow down, not answered as if Partner Center were failing. A consent
            // that needs a person is said at once (it lasts until someone acts), not hidden behind old answers.
            case NOT_FOUND,
                    NO_RELATIONSHIP,
                    REJECTED,
                    CREDENTIALS,
                    MFA_REQUIRED,
                    CONSENT_NEEDED,
                    CLIENT_ERROR,
                    PORTAL_OVER_SHARE -> false;
            default -> true;
        };
    }

    /**
     * Whether Partner Center said the answer itself is gone (no such resource, no relationship any more): the
     * last one it gave no longer holds, and is forgotten.
     */
    public boolean supersedesLastKnownAnswer() {
        return this == NOT_FOUND || this == NO_RELATIONSHIP;
    }

    /** Whether the failure closes the throttle gate of its scope. */
    public boolean closesGate() {
        return this == THROTTLED;
    }
}
