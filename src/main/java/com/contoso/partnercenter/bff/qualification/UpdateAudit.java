package com.contoso.partnercenter.bff.qualification;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.web.CallingPortalFilter;
import com.contoso.partnercenter.bff.web.Idempotency;
import com.contoso.partnercenter.bff.web.PortalClientId;
import com.contoso.partnercenter.bff.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of qualification updates (a customer's legal status): one JSON event on the logger {@value
 * #LOGGER} per {@code POST …/qualifications} that got past authentication, whatever its outcome, written once
 * the answer is: which portal and which person asked what for whom, what came of it, and the ids that find it
 * in Partner Center and in the service's logs. Never a token, a secret or a request body beyond the
 * qualification asked. An operator routes the logger to its own appender (docs/operators.md).
 */
public class UpdateAudit extends OncePerRequestFilter {

    public static final String LOGGER = "audit";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final Pattern UPDATE = Pattern.compile("/api/v1/customers/([^/]+)/qualifications/?");
    private static final String QUALIFICATION = UpdateAudit.class.getName() + ".qualification";
    private static final String VETTING_STATUS = UpdateAudit.class.getName() + ".vettingStatus";
    private static final String[] USER_CLAIMS = {"preferred_username", "upn", "sub"};

    private final JsonMapper json;
    private final Clock clock;

    public UpdateAudit(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** The controller read the update: what it asks for, for the event. */
    static void asked(HttpServletRequest request, QualificationRequest update) {
        request.setAttribute(QUALIFICATION, update.qualification());
    }

    /** Partner Center's answer to it, and the {@code MS-RequestId} the update was sent with. */
    static void answered(HttpServletRequest request, String requestId, String vettingStatus) {
        request.setAttribute(Idempotency.REQUEST_ID_ATTRIBUTE, requestId);
        request.setAttribute(VETTING_STATUS, vettingStatus);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !UPDATE.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            write(request, response);
        }
    }

    private void write(HttpServletRequest request, HttpServletResponse response) {
        Matcher path = UPDATE.matcher(request.getRequestURI());
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("status", response.getStatus());
        Object problem = request.getAttribute(Problems.TYPE_ATTRIBUTE);
        if (problem != null) {
            outcome.put("problem", problem);
        } else {
            outcome.put("vettingStatus", request.getAttribute(VETTING_STATUS));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("time", clock.instant().toString());
        event.put("portal", request.getAttribute(CallingPortalFilter.ATTRIBUTE));
        event.put("clientId", PortalClientId.ofToken());
        event.put("user", PortalClientId.firstClaim(USER_CLAIMS));
        event.put("customerId", path.matches() ? path.group(1) : null);
        event.put("qualification", request.getAttribute(QUALIFICATION));
        event.put("outcome", outcome);
        event.put("correlationId", CorrelationId.current());
        event.put("msRequestId", request.getAttribute(Idempotency.REQUEST_ID_ATTRIBUTE));
        event.put("idempotencyKey", request.getHeader(Idempotency.HEADER));
        event.put("replayed", "true".equals(response.getHeader(Idempotency.REPLAYED)));
        audit.info(json.writeValueAsString(event));
    }
}
