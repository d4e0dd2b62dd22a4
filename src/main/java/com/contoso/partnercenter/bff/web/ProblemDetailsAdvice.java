package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.partnercenter.IdempotencyConflict;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.WatchLimitReached;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Turns every failure into an RFC 9457 problem; nothing reaches a portal as a stack trace. */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
    private static final int MAX_ERRORS = 10;

    // The Partner Center client has written the failure's one log line already, with its cause.
    @ExceptionHandler(PartnerCenterException.class)
    ResponseEntity<ProblemDetail> partnerCenter(PartnerCenterException e, HttpServletRequest request) {
        ProblemDetail problem =
                Problems.create(e.status(), e.type(), e.title(), e.getMessage(), e.retryable(), request);
        if (e.upstreamErrorCode() != null) {
            problem.setProperty("upstreamErrorCode", e.upstreamErrorCode());
        }
        if (e.upstreamErrorName() != null) {
            problem.setProperty("upstreamErrorName", e.upstreamErrorName());
        }
        ResponseEntity.BodyBuilder response =
                ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e.cacheStatus() != null) {
            response.header(Answers.CACHE_STATUS, e.cacheStatus());
        }
        if (e.replayed()) { // an update's refusal, answered again for its Idempotency-Key
            response.header(Idempotency.REPLAYED, "true");
        }
        if (e.requestId() != null) { // for the update's audit event
            request.setAttribute(Idempotency.REQUEST_ID_ATTRIBUTE, e.requestId());
        }
        if (e.saysWhenToComeBack()) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            problem.setProperty("retryAfter", e.retryAfterSeconds()); // as a batch item's problem says it
        }
        return response.body(problem);
    }

    @ExceptionHandler(IdempotencyConflict.class)
    ResponseEntity<ProblemDetail> idempotency(IdempotencyConflict e, HttpServletRequest request) {
        ProblemDetail problem =
                Problems.create(e.status(), e.type(), e.title(), e.getMessage(), e.retryable(), request);
        ResponseEntity.BodyBuilder response =
                ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e.retryAfterSeconds() != null) {
            problem.setProperty("retryAfter", e.retryAfterSeconds());
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return response.body(problem);
    }

    @ExceptionHandler(WatchLimitReached.class)
    ResponseEntity<ProblemDetail> watchLimit(WatchLimitReached e, HttpServletRequest request) {
        ProblemDetail problem = Problems.create(
                HttpStatus.TOO_MANY_REQUESTS,
                "watch-limit-reached",
                "Too many customers watched",
                e.getMessage(),
                true,
                request);
        problem.setProperty("retryAfter", e.retryAfterSeconds());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected failure", e);
        ProblemDetail problem = Problems.create(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal error",
                "The service failed unexpectedly. Quote the correlation id when reporting it.",
                true,
                request);
        return ResponseEntity.internalServerError()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return invalid(e, errors(e.getBindingResult().getAllErrors()), headers, request);
    }

    private static List<Map<String, String>> errors(List<ObjectError> errors) {
        return errors.stream()
                .map(error ->
                        error(error instanceof FieldError field ? field.getField() : error.getObjectName(), error))
                .toList();
    }

    private static Map<String, String> error(String field, MessageSourceResolvable error) {
        return Map.of("field", field, "message", String.valueOf(error.getDefaultMessage()));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors body) {
                // An invalid @Valid request body: name its fields, not the method parameter.
                errors.addAll(errors(body.getAllErrors()));
            } else {
                for (MessageSourceResolvable error : result.getResolvableErrors()) {
                    errors.add(error(result.getMethodParameter().getParameterName(), error));
                }
            }
        }
        return invalid(e, errors, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestBodyLimitFilter.TooLarge) {
                ProblemDetail problem =
                        ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, RequestBodyLimitFilter.detail());
                problem.setTitle("Request too large");
                return handleExceptionInternal(e, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
            }
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, "The request body is missing or is not the JSON object this operation takes.");
        problem.setTitle("Invalid request");
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private ResponseEntity<Object> invalid(
            Exception e, List<Map<String, String>> all, HttpHeaders headers, WebRequest request) {
        // The first few are enough to fix the request; a list of thousands helps nobody.
        List<Map<String, String>> errors = all.subList(0, Math.min(all.size(), MAX_ERRORS));
        String detail = errors.stream()
                        .map(error -> error.get("field") + " " + error.get("message"))
                        .collect(Collectors.joining("; "))
                + (all.size() > errors.size() ? "; and " + (all.size() - errors.size()) + " more" : "");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail + ".");
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    // Every problem Spring MVC builds (bad method, media type, unknown path, …) gets our members too.
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body == null && e instanceof ErrorResponse response) {
            body = response.updateAndGetBody(getMessageSource(), request.getLocale());
        }
        if (body instanceof ProblemDetail problem
                && request instanceof NativeWebRequest web
                && web.getNativeRequest() instanceof HttpServletRequest servletRequest) {
            Problems.complete(problem, Problems.typeFor(status), false, servletRequest);
            // Whatever the request's Accept says: a problem is always written, and always as problem JSON.
            headers = withProblemContentType(headers);
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    private static HttpHeaders withProblemContentType(HttpHeaders headers) {
        HttpHeaders copy = HttpHeaders.copyOf(headers);
        copy.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return copy;
    }
}
