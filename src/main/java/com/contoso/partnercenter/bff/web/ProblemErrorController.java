package com.contoso.partnercenter.bff.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised before Spring MVC (a path the firewall rejects, a failure inside a filter) reach the
 * container's error page; they get the same problem shape as everything else, and never a stack trace.
 */
// Not an operation portals call: the container forwards errors here.
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            // Asked for directly: the error page is the container's, not an endpoint.
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.create(
                            HttpStatus.NOT_FOUND,
                            Problems.typeFor(HttpStatus.NOT_FOUND),
                            "Not Found",
                            "No endpoint " + request.getRequestURI() + ".",
                            false,
                            request));
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = status.is5xxServerError()
                ? "The service failed unexpectedly. Quote the correlation id when reporting it."
                : "The request was rejected: " + status.getReasonPhrase() + ".";
        ProblemDetail problem = Problems.create(
                status, Problems.typeFor(status), status.getReasonPhrase(), detail, status.is5xxServerError(), request);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
