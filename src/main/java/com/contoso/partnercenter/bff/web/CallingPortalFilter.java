package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.correlation.CallingPortal;
import com.contoso.partnercenter.bff.partnercenter.Portals;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Names the calling portal, once Spring Security has read its token, for everything the request does: the
 * logging MDC ({@value CallingPortal#MDC_KEY}), the access log (the request attribute {@value #ATTRIBUTE}, {@code
 * %{portal}r} in Tomcat's pattern) and, through context propagation, its Partner Center calls.
 */
public class CallingPortalFilter extends OncePerRequestFilter {

    public static final String ATTRIBUTE = "portal";

    private final Portals portals;

    public CallingPortalFilter(Portals portals) {
        this.portals = portals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String portal = portals.named(PortalClientId.ofToken());
        request.setAttribute(ATTRIBUTE, portal);
        MDC.put(CallingPortal.MDC_KEY, portal);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(CallingPortal.MDC_KEY);
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
