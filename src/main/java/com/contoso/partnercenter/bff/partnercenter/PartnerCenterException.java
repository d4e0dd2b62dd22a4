package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A Partner Center call that did not give an answer the portal can use: its {@link FailureKind}, what Partner
 * Center said (status, error body, {@code Retry-After}) and a detail fit for a person. Everything else (the
 * portal's status, {@code retryable}, whether it is retried, whether it counts for the breaker) is read from
 * the kind's row, so it cannot disagree. Messages never carry tokens or upstream bodies verbatim.
 */
public class PartnerCenterException extends RuntimeException {

    private static final String ACCOUNT_STATUS_NOT_FOUND_CODE = "600074";
    private static final String ACCOUNT_STATUS_NOT_FOUND_NAME = "AccountStatusNotFound";

    /**
     * A 429 without {@code Retry-After} is taken as a wait of one second: the throttle gate, the retry's wait and
     * the portal's {@code Retry-After} then all say the same.
     */
    static final Duration THROTTLED_WITHOUT_RETRY_AFTER = Duration.ofSeconds(1);

    // Entra ID's refusals that only an operator can mend (RFC 6749 section 5.2, and Entra ID's interaction_required
    // for a sign-in that needs MFA); anything else may pass.
    private static final Set<String> TOKEN_REFUSALS = Set.of(
            "invalid_grant",
            "interaction_required",
            "invalid_client",
            "unauthorized_client",
            "invalid_scope",
            "unsupported_grant_type");

    private final FailureKind kind;
    private final Operation operation;
    private final String detail;
    private final int upstreamStatus;
    private final UpstreamError error;
    private final Duration retryAfter;
    private final Told told;

    /**
     * How the front door tells the failure: its {@code Cache-Status}, the {@code MS-RequestId} an update was sent
     * with, whether it is an earlier request's answer replayed, and whether the update carried an {@code
     * Idempotency-Key}.
     */
    private record Told(String cacheStatus, String requestId, boolean replayed, boolean withIdempotencyKey) {
        static final Told NOTHING = new Told(null, null, false, false);
    }

    private PartnerCenterException(
            FailureKind kind,
            Operation operation,
            String detail,
            Upstream upstream,
            Duration retryAfter,
            Throwable cause) {
        this(kind, operation, detail, upstream, retryAfter, cause, Told.NOTHING);
    }

    private PartnerCenterException(
            FailureKind kind,
            Operation operation,
            String detail,
            Upstream upstream,
            Duration retryAfter,
            Throwable cause,
            Told told) {
        super(withUpdateWarning(kind, operation, detail, told.withIdempotencyKey()), cause);
        this.kind = kind;
        this.operation = operation;
        this.detail = detail;
        this.upstreamStatus = upstream.status();
        this.error = upstream.error();
        this.retryAfter = retryAfter;
        this.told = told;
    }

    private PartnerCenterException toldAs(Told how) {
        return new PartnerCenterException(
                kind, operation, detail, new Upstream(upstreamStatus, error), retryAfter, getCause(), how);
    }

    /**
     * The same failure of an update sent with an {@code Idempotency-Key}, with the {@code MS-RequestId} it was sent
     * with: one whose outcome is unknown may simply be sent again with that key, since the service then looks for
     * the update before it sends it twice.
     */
    public PartnerCenterException withIdempotencyKey(String requestId) {
        return toldAs(new Told(told.cacheStatus(), requestId, told.replayed(), true));
    }

    /** The same failure of an update sent with this {@code MS-RequestId}. */
    public PartnerCenterException sentAs(String requestId) {
        return toldAs(new Told(told.cacheStatus(), requestId, told.replayed(), told.withIdempotencyKey()));
    }

    /** The same failure as the front door tells it: with the {@code Cache-Status} of the answer it stands for. */
    public PartnerCenterException answeredAs(String cacheStatus) {
        return toldAs(new Told(cacheStatus, told.requestId(), told.replayed(), told.withIdempotencyKey()));
    }

    /** Partner Center's answer to an update once more, for the update sent again with the same key. */
    public static PartnerCenterException answeredBefore(
            Operation operation, int upstreamStatus, UpstreamError error, String requestId) {
        return fromUpstream(operation, upstreamStatus, error, null).toldAs(new Told(null, requestId, true, true));
    }

    /** What Partner Center answered, when it answered at all. */
    private record Upstream(int status, UpstreamError error) {
        static final Upstream NONE = new Upstream(0, UpstreamError.NONE);
    }

    private static String withUpdateWarning(
            FailureKind kind, Operation operation, String detail, boolean withIdempotencyKey) {
        if (!kind.outcomeUnknown(operation.idempotent())) {
            return detail;
        }
        return withIdempotencyKey
                ? detail + " Partner Center may have applied the update: send it again with the same Idempotency-Key,"
                        + " and the service looks at the customer's qualifications before it sends the update twice."
                : detail + " Partner Center may have applied the update: check the customer's qualifications before"
                        + " sending it again, or send updates with an Idempotency-Key.";
    }

    /** Partner Center answered with an error status. */
    public static PartnerCenterException fromUpstream(
            Operation operation, int upstreamStatus, UpstreamError error, Duration retryAfter) {
        FailureKind kind = FailureKind.ofUpstreamStatus(upstreamStatus, error);
        Duration wait =
                kind == FailureKind.THROTTLED && retryAfter == null ? THROTTLED_WITHOUT_RETRY_AFTER : retryAfter;
        String detail = switch (kind) {
            case NOT_FOUND -> error.describe("Partner Center has no such resource.");
            case NO_RELATIONSHIP ->
                error.describe("The partner has no relationship with this customer in Partner Center.");
            case REJECTED -> error.describe("Partner Center rejected the request.");
            case MFA_REQUIRED -> ConsentNeeded.MFA_REQUIRED.detail(error.code());
            case CREDENTIALS ->
                "Partner Center answered " + upstreamStatus
                        + ": the service's Entra ID application, its permissions or the consent behind its"
                        + " refresh token need an operator's attention.";
            case THROTTLED -> "Partner Center asked to wait " + seconds(wait) + " s before the next request.";
            default -> ("Partner Center answered " + upstreamStatus + ". " + error.describe("")).strip();
        };
        return new PartnerCenterException(kind, operation, detail, new Upstream(upstreamStatus, error), wait, null);
    }

    /** The answer was not what Partner Center documents (not JSON, wrong shape, cut short). */
    public static PartnerCenterException malformed(Operation operation, String what, Throwable cause) {
        return new PartnerCenterException(
                FailureKind.MALFORMED,
                operation,
                "Partner Center's answer could not be read: " + what + ".",
                Upstream.NONE,
                null,
                cause);
    }

    /** No connection, or the connection broke before an answer was read. */
    public static PartnerCenterException connectionFailed(Operation operation, Throwable cause) {
        // A refused connection is the one failure that proves Partner Center never saw the request.
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return new PartnerCenterException(
                        FailureKind.REFUSED,
                        operation,
                        "No connection to Partner Center could be made.",
                        Upstream.NONE,
                        null,
                        cause);
            }
        }
        return new PartnerCenterException(
                FailureKind.BROKEN,
                operation,
                "The connection to Partner Center broke before it answered.",
                Upstream.NONE,
                null,
                cause);
    }

    /** One attempt took longer than its time limit. */
    public static PartnerCenterException attemptTimedOut(Operation operation, Duration limit, Throwable cause) {
        return new PartnerCenterException(
                FailureKind.ATTEMPT_TIMEOUT,
                operation,
                "Partner Center did not answer within " + exactSeconds(limit) + " s.",
                Upstream.NONE,
                null,
                cause);
    }

    /** Partner Center did not answer within the request's deadline, retries included. */
    public static PartnerCenterException deadlineExceeded(Operation operation, Duration deadline) {
        return new PartnerCenterException(
                FailureKind.DEADLINE,
                operation,
                "Partner Center did not answer within " + exactSeconds(deadline) + " s.",
                Upstream.NONE,
                null,
                null);
    }

    /**
     * A caller's own deadline (a batch's) passed before Partner Center answered its read: as {@link
     * #deadlineExceeded}, for the validation status a purchase eligibility asks.
     */
    public static PartnerCenterException notAnsweredWithin(Duration deadline) {
        return deadlineExceeded(Operation.VALIDATION_STATUS, deadline);
    }

    /**
     * Partner Center asked us to wait longer than the request's deadline allows: fail at once and pass its wait
     * on to the portal instead of holding the request open for nothing.
     */
    public static PartnerCenterException waitPastDeadline(PartnerCenterException cause) {
        return new PartnerCenterException(
                FailureKind.WAIT_PAST_DEADLINE,
                cause.operation,
                "Partner Center asked to wait " + seconds(cause.retryAfter)
                        + " s before the next request, longer than this request may take.",
                new Upstream(cause.upstreamStatus, cause.error),
                cause.retryAfter,
                cause);
    }

    /** Partner Center throttled this scope lately and its wait is not over: it is not asked until then. */
    public static PartnerCenterException gateClosed(Operation operation, Duration remaining) {
        return new PartnerCenterException(
                FailureKind.GATE_CLOSED,
                operation,
                "Partner Center asked to wait before the next " + operation.instanceName() + " request; it is not"
                        + " asked again for " + seconds(remaining) + " s.",
                Upstream.NONE,
                remaining,
                null);
    }

    /** The operation's circuit is open: Partner Center failed too often lately, so it is not asked now. */
    public static PartnerCenterException circuitOpen(Operation operation, Duration retryAfter) {
        return new PartnerCenterException(
                FailureKind.CIRCUIT_OPEN,
                operation,
                "Partner Center failed too often lately for " + operation.instanceName()
                        + "; it is not asked again for " + seconds(retryAfter) + " s.",
                Upstream.NONE,
                retryAfter,
                null);
    }

    /** The partner's quota for the operation leaves no request for it before the deadline. */
    public static PartnerCenterException quotaExhausted(Operation operation, Duration retryAfter) {
        return new PartnerCenterException(
                FailureKind.QUOTA_EXHAUSTED,
                operation,
                "The partner's quota for " + operation.instanceName() + " (partner-center.quota) has no request"
                        + " left before this one's deadline; the next is free in " + seconds(retryAfter) + " s.",
                Upstream.NONE,
                retryAfter,
                null);
    }

    /** The calling portal used its share of the partner's quota, and the other portals leave none spare. */
    public static PartnerCenterException portalOverShare(Operation operation, String portal, Duration retryAfter) {
        return new PartnerCenterException(
                FailureKind.PORTAL_OVER_SHARE,
                operation,
                "The portal " + portal + " has used its share of the partner's quota for " + operation.instanceName()
                        + " (partner-center.portals." + portal + ".share) and the other portals leave none spare;"
                        + " its next request is free in " + seconds(retryAfter) + " s.",
                Upstream.NONE,
                retryAfter,
                null);
    }

    /** Too many calls to Partner Center are in flight already. */
    public static PartnerCenterException overloaded(Operation operation) {
        return new PartnerCenterException(
                FailureKind.OVERLOADED,
                operation,
                "The service has too many Partner Center calls in flight; try again in a moment.",
                Upstream.NONE,
                Duration.ofSeconds(1),
                null);
    }

    /**
     * Entra ID did not give the service a token. A refusal of the credentials or the refresh token waits for an
     * operator; a token endpoint that failed or did not answer may do better next time. The cause stays in our
     * logs, never in the answer.
     */
    public static PartnerCenterException tokenUnavailable(Operation operation, Throwable cause) {
        if (operation.grant() == Operation.Grant.APP_USER && cause instanceof OAuth2AuthorizationException e) {
            OAuth2Error refusal = e.getError();
            ConsentNeeded consent = ConsentNeeded.ofEntraId(refusal.getErrorCode(), refusal.getDescription());
            if (consent != null) {
                // Entra ID's code and error, never its description (trace ids, times): the problem names them.
                String code = ConsentNeeded.entraIdCode(refusal.getDescription());
                return new PartnerCenterException(
                        FailureKind.CONSENT_NEEDED,
                        operation,
                        consent.detail(code != null ? code : refusal.getErrorCode()),
                        new Upstream(0, new UpstreamError(code, refusal.getErrorCode(), null, false)),
                        null,
                        cause);
            }
        }
        boolean refused = cause == null
                || (cause instanceof OAuth2AuthorizationException e
                        && TOKEN_REFUSALS.contains(e.getError().getErrorCode()));
        return new PartnerCenterException(
                refused ? FailureKind.TOKEN_REFUSED : FailureKind.TOKEN_FAILED,
                operation,
                "The service could not obtain its " + operation.grant().displayName()
                        + " token for Partner Center from Microsoft Entra ID"
                        + (refused ? "; its credentials or consent need an operator's attention." : "."),
                Upstream.NONE,
                null,
                cause);
    }

    /** Whole seconds as a {@code Retry-After} says them: rounded up, at least one. */
    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    private static String exactSeconds(Duration duration) {
        return duration.toMillis() % 1000 == 0
                ? Long.toString(duration.toSeconds())
                : Double.toString(duration.toMillis() / 1000.0);
    }

    /** Partner Center keeps no account status for the customer (404, error 600074). */
    public boolean isAccountStatusNotFound() {
        return upstreamStatus == 404
                && (ACCOUNT_STATUS_NOT_FOUND_CODE.equals(error.code())
                        || ACCOUNT_STATUS_NOT_FOUND_NAME.equalsIgnoreCase(error.errorName()));
    }

    public FailureKind kind() {
        return kind;
    }

    public Operation operation() {
        return operation;
    }

    public HttpStatus status() {
        return kind.portalStatus(upstreamStatus);
    }

    /** A short, stable name of what went wrong; the problem {@code type} is built from it. */
    public String type() {
        return kind.type();
    }

    public String title() {
        return kind.title();
    }

    /** Whether the portal may send the request again: exactly the failures the service retries itself. */
    public boolean retryable() {
        // An update with an Idempotency-Key is as safe to send again as a read.
        return kind.retryable(operation.idempotent() || told.withIdempotencyKey(), error.isRetryable());
    }

    /** Whether an update that failed this way may have been applied: the portal checks before sending it again. */
    public boolean outcomeUnknown() {
        return kind.outcomeUnknown(operation.idempotent());
    }

    /** Whether the service tries again within this request. */
    public boolean retriedNow() {
        return retryable() && !kind.isFinal();
    }

    /** Whether the failure says Partner Center is failing, rather than this one request. */
    public boolean countsForBreaker() {
        return kind.countsForBreaker(error.isRetryable());
    }

    /** Every 503 and 429 says when to come back ({@code Retry-After}, and {@code retryAfter} in the problem). */
    public boolean saysWhenToComeBack() {
        return status() == HttpStatus.SERVICE_UNAVAILABLE || status() == HttpStatus.TOO_MANY_REQUESTS;
    }

    /** The reason only a person mends this failure (a consent to renew), or null for any other failure. */
    public ConsentNeeded consentNeeded() {
        return ConsentNeeded.of(kind, error);
    }

    /** Whether the last answer Partner Center gave may be answered instead of this failure (stale-if-error). */
    public boolean lastKnownAnswerMayStandIn() {
        return kind.lastKnownAnswerMayStandIn();
    }

    /** Whether the last answer Partner Center gave no longer holds after this failure. */
    public boolean supersedesLastKnownAnswer() {
        return kind.supersedesLastKnownAnswer();
    }

    /** Partner Center's HTTP status, 0 when it gave none. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public String upstreamErrorCode() {
        return error.code();
    }

    public String upstreamErrorName() {
        return error.errorName();
    }

    /** What Partner Center said, as it said it. */
    public UpstreamError upstreamError() {
        return error;
    }

    /** How long Partner Center (or the service on its behalf) asked to wait; {@code null} when nobody said. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The {@code Cache-Status} of the answer this failure stands for; {@code null} before the front door says it. */
    public String cacheStatus() {
        return told.cacheStatus();
    }

    /** The {@code MS-RequestId} of the update that failed, which finds it in Partner Center; else {@code null}. */
    public String requestId() {
        return told.requestId();
    }

    /** Whether this is Partner Center's refusal of an earlier request with the same {@code Idempotency-Key}, again. */
    public boolean replayed() {
        return told.replayed();
    }

    /** Whole seconds for a {@code Retry-After}, rounded up; without a word from Partner Center, a second is a fair guess. */
    public long retryAfterSeconds() {
        return retryAfter != null ? seconds(retryAfter) : 1;
    }
}
