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

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final boolean retryable;
    private final int upstreamStatus;
    private final String upstreamErrorCode;
    private final String upstreamErrorName;
    private final Duration retryAfter;

    private PartnerCenterException(
            HttpStatus status,
            String type,
            String title,
            String detail,
            boolean retryable,
            int upstreamStatus,
            UpstreamError error,
            Duration retryAfter,
            Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryable = retryable;
        this.upstreamStatus = upstreamStatus;
        this.upstreamErrorCode = error.code();
        this.upstreamErrorName = error.errorName();
        this.retryAfter = retryAfter;
    }

    /** Partner Center answered with an error status. */
    public static PartnerCenterException fromUpstream(int upstreamStatus, UpstreamError error, Duration retryAfter) {
        boolean retryable = error.isRetryable() != null
                ? error.isRetryable()
                : upstreamStatus == 408 || upstreamStatus == 429 || upstreamStatus >= 500;
        return switch (upstreamStatus) {
            case 404 ->
                new PartnerCenterException(
                        HttpStatus.NOT_FOUND,
                        "not-found",
                        "Not found in Partner Center",
                        error.describe("Partner Center has no such resource."),
                        false,
                        upstreamStatus,
                        error,
                        null,
                        null);
            case 400, 409, 412 ->
                new PartnerCenterException(
                        HttpStatus.valueOf(upstreamStatus),
                        "upstream-rejected",
                        "Rejected by Partner Center",
                        error.describe("Partner Center rejected the request."),
                        retryable,
                        upstreamStatus,
                        error,
                        null,
                        null);
            case 401, 403 ->
                new PartnerCenterException(
                        HttpStatus.BAD_GATEWAY,
                        "upstream-credentials",
                        "Partner Center refused the service's credentials",
                        "Partner Center answered " + upstreamStatus
                                + ": the service's Entra ID application, its permissions or the consent behind its"
                                + " refresh token need an operator's attention.",
                        false,
                        upstreamStatus,
                        error,
                        null,
                        null);
            case 429 -> throttled(error, retryAfter);
            default ->
                new PartnerCenterException(
                        HttpStatus.BAD_GATEWAY,
                        "upstream-failure",
                        "Partner Center failed",
                        "Partner Center answered " + upstreamStatus + ". " + error.describe(""),
                        retryable,
                        upstreamStatus,
                        error,
                        retryAfter,
                        null);
        };
    }

    /** Throttled by Partner Center and the wait is longer than we may take. */
    public static PartnerCenterException throttled(UpstreamError error, Duration retryAfter) {
        return new PartnerCenterException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "throttled",
                "Partner Center is throttling requests",
                retryAfter != null
                        ? "Partner Center asked to wait " + retryAfter.toSeconds() + " s before the next request."
                        : "Partner Center asked to slow down.",
                true,
                429,
                error,
                retryAfter,
                null);
    }

    /** The answer was not what Partner Center documents (not JSON, wrong shape, cut short). */
    public static PartnerCenterException malformed(String what, Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.BAD_GATEWAY,
                "upstream-malformed",
                "Malformed answer from Partner Center",
                "Partner Center's answer could not be read: " + what + ".",
                true,
                0,
                UpstreamError.NONE,
                null,
                cause);
    }

    /** No connection, or the connection broke before an answer was read. */
    public static PartnerCenterException unreachable(Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.BAD_GATEWAY,
                "upstream-unreachable",
                "Partner Center could not be reached",
                "The connection to Partner Center failed before it answered.",
                true,
                0,
                UpstreamError.NONE,
                null,
                cause);
    }

    /** Partner Center did not answer within the request's deadline. */
    public static PartnerCenterException deadlineExceeded(Duration deadline) {
        return new PartnerCenterException(
                HttpStatus.GATEWAY_TIMEOUT,
                "upstream-timeout",
                "Partner Center did not answer in time",
                "Partner Center did not answer within " + deadline.toMillis() / 1000.0 + " s.",
                true,
                0,
                UpstreamError.NONE,
                null,
                null);
    }

    /** Entra ID did not give the service a token; the cause stays in our logs, never in the answer. */
    public static PartnerCenterException tokenUnavailable(String grant, Throwable cause) {
        return new PartnerCenterException(
                HttpStatus.BAD_GATEWAY,
                "token-unavailable",
                "No token from Microsoft Entra ID",
                "The service could not obtain its " + grant + " token for Partner Center from Microsoft Entra ID.",
                false,
                0,
                UpstreamError.NONE,
                null,
                cause);
    }

    /** Partner Center keeps no account status for the customer (404, error 600074). */
    public boolean isAccountStatusNotFound() {
        return upstreamStatus == 404
                && (ACCOUNT_STATUS_NOT_FOUND_CODE.equals(upstreamErrorCode)
                        || ACCOUNT_STATUS_NOT_FOUND_NAME.equalsIgnoreCase(upstreamErrorName)
                        || (upstreamErrorCode == null && upstreamErrorName == null));
    }

    public HttpStatus status() {
        return status;
    }

    /** A short, stable name of what went wrong; the problem {@code type} is built from it. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public boolean retryable() {
        return retryable;
    }

    public int upstreamStatus() {
        return upstreamStatus;
    }

    public String upstreamErrorCode() {
        return upstreamErrorCode;
    }

    public String upstreamErrorName() {
        return upstreamErrorName;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
