package com.contoso.partnercenter.bff.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, with a 400 problem and before anything else reads them, requests whose parts cannot be read at all:
 * a query string or form body that does not decode ({@code ?x=%zz}, bytes that are not UTF-8) and an
 * {@code Accept} header that does not parse. Left to themselves these surface wherever they are first read (a
 * security filter, an argument resolver, the message writer) as a 500, or as an answer with no body at all.
 */
public class UnreadableRequestFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    public UnreadableRequestFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String unreadable = unreadable(request);
        if (unreadable != null) {
            Problems.write(
                    response,
                    json,
                    Problems.create(
                            HttpStatus.BAD_REQUEST,
                            Problems.typeFor(HttpStatus.BAD_REQUEST),
                            "Invalid request",
                            unreadable,
                            false,
                            request));
            return;
        }
        chain.doFilter(request, response);
    }

    private static String unreadable(HttpServletRequest request) {
        try {
            // The container decodes the query (and a form body) once, here, and keeps the result for later readers.
            request.getParameterMap();
        } catch (RuntimeException e) {
            return "The query string or form body cannot be decoded: use UTF-8 and valid percent-encoding.";
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && !accept.isBlank()) {
            try {
                MediaType.parseMediaTypes(accept);
            } catch (InvalidMediaTypeException e) {
                return "The Accept header cannot be parsed; this API answers application/json and, for errors,"
                        + " application/problem+json.";
            }
        }
        return null;
    }
}
