package com.contoso.partnercenter.bff.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as problems like every other error. Spring's bearer token handlers still set the status and
 * the RFC 6750 {@code WWW-Authenticate} header; this adds the body they leave empty.
 */
public final class ProblemAuthenticationHandlers {

    private final JsonMapper json;

    public ProblemAuthenticationHandlers(JsonMapper json) {
        this.json = json;
    }

    public AuthenticationEntryPoint entryPoint() {
        var bearer = new BearerTokenAuthenticationEntryPoint();
        return (request, response, e) -> {
            bearer.commence(request, response, e);
            write(
                    request,
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    "Authentication required",
                    "A valid bearer token for this service is required.");
        };
    }

    public AccessDeniedHandler accessDeniedHandler() {
        var bearer = new BearerTokenAccessDeniedHandler();
        return (request, response, e) -> {
            bearer.handle(request, response, e);
            write(
                    request,
                    response,
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    "Permission missing",
                    "The token does not grant the permission this operation needs"
                            + " (partner-center.read for reading, partner-center.write for updating).");
        };
    }

    private void write(
            HttpServletRequest request,
            HttpServletResponse response,
            HttpStatus status,
            String type,
            String title,
            String detail)
            throws IOException {
        Problems.write(response, json, Problems.create(status, type, title, detail, false, request));
    }
}
