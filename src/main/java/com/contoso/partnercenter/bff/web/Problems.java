package com.contoso.partnercenter.bff.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the RFC 9457 bodies of every error this service answers, so they all carry the same members:
 * {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance}, {@code correlationId}
 * and {@code retryable}.
 */
public final class Problems {

    /** Problem types are URNs: stable names a portal can switch on, not pages to fetch. */
    public static final String TYPE_PREFIX = "urn:partner-center-bff:problem:";

    /** The request attribute that holds the type of the problem the request was answered with. */
    public static final String TYPE_ATTRIBUTE = Problems.class.getName() + ".type";

    private Problems() {}

    public static ProblemDetail create(
            HttpStatusCode status,
            String type,
            String title,
            String detail,
            boolean retryable,
            HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return complete(problem, type, retryable, request);
    }

    /** Adds what every problem of ours carries to one Spring built. */
    static ProblemDetail complete(ProblemDetail problem, String type, boolean retryable, HttpServletRequest request) {
        problem.setType(URI.create(TYPE_PREFIX + type));
        request.setAttribute(TYPE_ATTRIBUTE, type); // for the audit of an update
        try {
            // On an error dispatch the request URI is /error; the portal asked for the original one.
            Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            String path = original != null ? original.toString() : request.getRequestURI();
            if (path != null) {
                problem.setInstance(URI.create(path));
            }
        } catch (IllegalArgumentException notAUri) {
            // Tomcat let through a path that is no URI; a problem without instance beats none at all.
        }
        problem.setProperty("correlationId", CorrelationIdFilter.of(request));
        problem.setProperty("retryable", retryable);
        return problem;
    }

    /** Writes a problem where no Spring MVC handler can: from a filter or a security handler. */
    static void write(HttpServletResponse response, JsonMapper json, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    static String typeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "invalid-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "request-too-large";
            case 415 -> "unsupported-media-type";
            default -> status.is5xxServerError() ? "internal-error" : "client-error";
        };
    }
}
