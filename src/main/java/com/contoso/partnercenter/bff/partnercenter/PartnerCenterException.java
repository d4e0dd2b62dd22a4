package com.contoso.partnercenter.bff.partnercenter;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * A Partner Center call that did not give an answer the portal can use, already translated into what
 * the portal should see: our status, a title and detail fit for a person, and whether trying again may
 * help. Messages never carry tokens or upstream bodies verbatim.
 */
public class PartnerCenterException extends RuntimeException {

    private static final String ACCOUNT_STATUS_NOT_FOUND_CODE = "600074";
    private static final String ACCOUNT_STATUS_NOT_FOUND_NAME = "AccountStatusNotFound";

    /** What went wrong, in the words of the problem types portals see. */
    enum Kind {
        NOT_FOUND("not-found"),
        UPSTREAM_REJECTED("upstream-rejected"),
        UPSTREAM_CREDENTIALS("upstream-credentials"),
        THROTTLED("throttled"),
        UPSTREAM_FAILURE("upstream-failure"),
        UPSTREAM_MALFORMED("upstream-malformed"),
        UPSTREAM_UNREACHABLE("upstream-unreachable"),
        UPSTREAM_TIMEOUT("upstream-timeout"),
        CIRCUIT_OPEN("circuit-open"),
        OVERLOADED("overloaded"),
        TOKEN_UNAVAILABLE("token-unavailable");

        final String slug;

        Kind(String slug) {
            this.slug = slug;
        }
    }

    private final HttpStatus status;
    private final Kind kind;
    private final String title;
    private final boolean retryable;
    private final int upstreamStatus;
    private final UpstreamError error;
    private final Duration retryAfter;
    private final boolean reachedUpstream;
    private final boolean pastDeadline;

    private PartnerCenterException(
            HttpStatus status,
            Kind kind,
            String title,
            String detail,
            boolean retryable,
            Answer answer,
            Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.kind = kind;
        this.title = title;
        this.retryable = retryable;
        this.upstreamStatus = answer.status();
        this.error = answer.error();
        this.retryAfter = answer.retryAfter();
        this.reachedUpstream = answer.reachedUpstream();
        this.pastDeadline = answer.pastDeadline();
    }

    /** What Partner Center said, as far as it said anything, and whether its wait was refused. */
    private record Answer(
            int status, UpstreamError error, Duration retryAfter, boolean reachedUpstream, boolean pastDeadline) {
        static final Answer NONE = new Answer(0, UpstreamError.NONE, null, true, false);

        Answer(int status, UpstreamError error, Duration retryAfter, boolean reachedUpstream) {
            this(status, error, retryAfter, reachedUpstream, false);
        }
    }

    /** Partner Center answered with an error status. */
    public static PartnerCenterException fromUpstream(int upstreamStatus, UpstreamError error, Duration retryAfter) {
        var answer = new Answer(upstreamStatus, error, retryAfter, true);
        boolean retryable = error.isRetryable() != null
                ? error.isRetryable()
                : upstreamStatus == 408 || upstreamStatus == 429 || upstreamStatus >= 500;
        return switch (upstreamStatus) {
            case 404 ->
                new PartnerCenterException(
                        HttpStatus.NOT_FOUND,
                        Kind.NOT_FOUND,
                        "Not found in Partner Center",
                        error.describe("Partner Center has no such resource."),
                        false,
                        answer,
                        null);
            case 400, 409, 412 ->
                new PartnerCenterException(
                        HttpStatus.valueOf(upstreamStatus),
                        Kind.UPSTREAM_REJECTED,
                        "Rejected by Partner Center",
                        error.describe("Partner Center rejected the request."),
                        retryable,
                        answer,
                        null);
            case 401, 403 ->
                new PartnerCenterException(
                        HttpStatus.BAD_GATEWAY,
                        Kind.UPSTREAM_CREDENTIALS,
                        "Partner Center refused the service's credentials",
                        "Partner Center answered " + upstreamStatus
                                + ": the service's Entra ID application, its permissions or the consent behind its"
                                + " refresh token need an operator's attention.",
                        false,
                        answer,
                        null);
            case 429 ->
                new PartnerCenterException(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        Kind.THROTTLED,
                        "Partner Center is throttling requests",
                        retryAfter != null
                                ? "Partner Center asked to wait " + retryAfter.toSeconds()
                                        + " s before the next request."
                                : "Partner Center asked to slow down.",
                        true,
                        answer,
                        null);
            default ->
                new PartnerCenterException(
                        HttpStatus.BAD_GATEWAY,
                        Kind.UPSTREAM_FAILURE,
                        "Partner Center failed",
                        ("Partner Center answered " + upstreamStatus + ". " + error.describe("")).strip(),
                        retryable,
                        answer,
                        null);
        };
    }

    /**
     * Partner Center asked us to wait longer than the request's deadline allows: fail at once and pass its
     * wait on to the portal instead of holding the request open for nothing.
     */
    static PartnerCenterException waitPastDeadline(PartnerCenterException cause) {
        return new PartnerCenterException(
                HttpStatus.SERVICE_UNAVAILABLE,
                Kind.THROTTLED,
                "Partner Center asked to wait",
                "Partner Center asked to wait " + cause.retryAfter.toSeconds()
                        + " s before the next request, longer than this request may take.",
                true,
                new Answer(cause.upstreamStatus, cause.error, cause.retryAfter, true, true),
                cause);
    }

    /** The answer was not what Partner Center documents (not JSON, wrong shape, cut short). */
    public static PartnerCenterException malformed(String what, Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.BAD_GATEWAY,
                Kind.UPSTREAM_MALFORMED,
                "Malformed answer from Partner Center",
                "Partner Center's answer could not be read: " + what + ".",
                true,
                Answer.NONE,
                cause);
    }

    /** No connection, or the connection broke before an answer was read. */
    public static PartnerCenterException unreachable(Throwable cause, boolean reachedUpstream) {
        return new PartnerCenterException(
                HttpStatus.BAD_GATEWAY,
                Kind.UPSTREAM_UNREACHABLE,
                "Partner Center could not be reached",
                reachedUpstream
                        ? "The connection to Partner Center broke before it answered."
                        : "No connection to Partner Center could be made.",
                true,
                new Answer(0, UpstreamError.NONE, null, reachedUpstream),
                cause);
    }

    /** One attempt took longer than its time limit. */
    static PartnerCenterException attemptTimedOut(Duration limit, Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.GATEWAY_TIMEOUT,
                Kind.UPSTREAM_TIMEOUT,
                "Partner Center did not answer in time",
                "Partner Center did not answer within " + seconds(limit) + " s.",
                true,
                Answer.NONE,
                cause);
    }

    /** Partner Center did not answer within the request's deadline, retries included. */
    public static PartnerCenterException deadlineExceeded(Duration deadline) {
        return new PartnerCenterException(
                HttpStatus.GATEWAY_TIMEOUT,
                Kind.UPSTREAM_TIMEOUT,
                "Partner Center did not answer in time",
                "Partner Center did not answer within " + seconds(deadline) + " s.",
                true,
                Answer.NONE,
                null);
    }

    /** The operation's circuit is open: Partner Center failed too often lately, so it is not asked now. */
    static PartnerCenterException circuitOpen(String operation, Duration retryAfter, Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.SERVICE_UNAVAILABLE,
                Kind.CIRCUIT_OPEN,
                "Partner Center is failing",
                "Partner Center failed too often lately for " + operation + "; it is not asked again for "
                        + retryAfter.toSeconds() + " s.",
                true,
                new Answer(0, UpstreamError.NONE, retryAfter, false),
                cause);
    }

    /** Too many calls to Partner Center are in flight already. */
    static PartnerCenterException bulkheadFull(Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.SERVICE_UNAVAILABLE,
                Kind.OVERLOADED,
                "Too many requests in flight",
                "The service has too many Partner Center calls in flight; try again in a moment.",
                true,
                new Answer(0, UpstreamError.NONE, Duration.ofSeconds(1), false),
                cause);
    }

    /** Entra ID did not give the service a token; the cause stays in our logs, never in the answer. */
    public static PartnerCenterException tokenUnavailable(String grant, Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.BAD_GATEWAY,
                Kind.TOKEN_UNAVAILABLE,
                "No token from Microsoft Entra ID",
                "The service could not obtain its " + grant + " token for Partner Center from Microsoft Entra ID.",
                false,
                new Answer(0, UpstreamError.NONE, null, false),
                cause);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0
                ? Long.toString(duration.toSeconds())
                : Double.toString(duration.toMillis() / 1000.0);
    }

    /**
     * The same failure of an update that may have reached Partner Center: it may have acted on it, so the
     * portal must not simply send it again. Failures that prove otherwise pass unchanged.
     */
    PartnerCenterException ofUpdate() {
        boolean outcomeUnknown = reachedUpstream
                && upstreamStatus == 0
                && (kind == Kind.UPSTREAM_UNREACHABLE
                        || kind == Kind.UPSTREAM_MALFORMED
                        || kind == Kind.UPSTREAM_TIMEOUT);
        if (!outcomeUnknown) {
            return this;
        }
        return new PartnerCenterException(
                status,
                kind,
                title,
                getMessage() + " Partner Center may have applied the update: check the customer's qualifications"
                        + " before sending it again.",
                false,
                new Answer(upstreamStatus, error, retryAfter, true),
                this);
    }

    /** Partner Center keeps no account status for the customer (404, error 600074). */
    public boolean isAccountStatusNotFound() {
        return upstreamStatus == 404
                && (ACCOUNT_STATUS_NOT_FOUND_CODE.equals(error.code())
                        || ACCOUNT_STATUS_NOT_FOUND_NAME.equalsIgnoreCase(error.errorName()));
    }

    public HttpStatus status() {
        return status;
    }

    /** A short, stable name of what went wrong; the problem {@code type} is built from it. */
    public String type() {
        return kind.slug;
    }

    Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    /** Whether the portal may try again later. */
    public boolean retryable() {
        return retryable;
    }

    /** Partner Center's HTTP status, 0 when it gave none. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    /** Partner Center's own {@code isRetryable}, {@code null} when its answer did not say. */
    Boolean upstreamRetryable() {
        return error.isRetryable();
    }

    /** Partner Center's wait would pass the deadline: this answer is final, nothing is tried again. */
    boolean pastDeadline() {
        return pastDeadline;
    }

    /** False only when the request certainly never reached Partner Center (the connection was refused). */
    boolean reachedUpstream() {
        return reachedUpstream;
    }

    public String upstreamErrorCode() {
        return error.code();
    }

    public String upstreamErrorName() {
        return error.errorName();
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds for a {@code Retry-After}, rounded up; without a word from Partner Center, a second is a fair guess. */
    public long retryAfterSeconds() {
        return retryAfter != null ? Math.max(1, (retryAfter.toMillis() + 999) / 1000) : 1;
    }
}
