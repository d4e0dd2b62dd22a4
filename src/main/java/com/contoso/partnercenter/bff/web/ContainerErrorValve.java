package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Tomcat answers on its own, before any filter or Spring MVC sees the request (an encoded {@code /},
 * {@code \} or NUL in the path, a path that is not UTF-8), as the same problem JSON as every other refusal,
 * with {@code X-Correlation-Id}, instead of Tomcat's HTML page. It takes the place of Tomcat's
 * {@link ErrorReportValve} on the host, so it also answers anything else that reaches the container's error
 * report unanswered.
 */
public final class ContainerErrorValve extends ErrorReportValve {

    private final JsonMapper json;

    public ContainerErrorValve(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        // As Tomcat's own valve: nothing for a success, for an answer already written, or twice.
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        if (status == null) {
            status = code < 500 ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String id = CorrelationIdFilter.of(request);
        if (id == null) {
            // The request never reached the correlation filter.
            id = CorrelationId.acceptOrGenerate(request.getHeader(CorrelationId.HEADER));
            request.setAttribute(CorrelationIdFilter.ATTRIBUTE, id);
        }
        try {
            response.setHeader(CorrelationId.HEADER, id);
            ProblemDetail problem = Problems.create(
                    status,
                    Problems.typeFor(status),
                    status.getReasonPhrase(),
                    status.is5xxServerError()
                            ? "The service failed unexpectedly. Quote the correlation id when reporting it."
                            : "The request was rejected: " + status.getReasonPhrase()
                                    + ". Paths may not contain an encoded slash, backslash or NUL, and must be UTF-8.",
                    status.is5xxServerError(),
                    request);
            Problems.write(response, json, problem);
            response.finishResponse();
        } catch (IOException | RuntimeException e) {
            // The connection is gone or the response cannot take a body: there is nobody left to tell.
        }
    }
}
