package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request its correlation id before anything else runs (security included, so a 401 carries
 * it too): in the response header, in the logging MDC and as a request attribute for problem bodies.
 */
public class CorrelationIdFilter extends OncePerRequestFilter {

    static final String ATTRIBUTE = CorrelationId.class.getName();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = (String) request.getAttribute(ATTRIBUTE);
        if (id == null) {
            id = CorrelationId.acceptOrGenerate(request.getHeader(CorrelationId.HEADER));
            request.setAttribute(ATTRIBUTE, id);
            response.setHeader(CorrelationId.HEADER, id);
        }
        MDC.put(CorrelationId.MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(CorrelationId.MDC_KEY);
        }
    }

    // Reactive controller results finish on an async dispatch, on another thread that needs the MDC too.
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    static String of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id != null ? id.toString() : null;
    }
}
