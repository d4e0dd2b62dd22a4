package com.contoso.partnercenter.bff.consent;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.ConsentRenewal;
import com.contoso.partnercenter.bff.qualification.UpdateAudit;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consent page, for the operator's browser (not for portals: no portal token, HTML not problems): the consent's
 * state, a link to renew it, and the page Entra ID sends the browser back to. Off unless {@code
 * partner-center.consent.enabled}. Every callback writes one event on the audit logger. No code, token or secret is
 * ever on a page, in a log line or in the audit.
 */
// Not in the OpenAPI document: the portals' API is; these pages are the operator's.
@Hidden
@RestController
class ConsentController {

    static final String COOKIE = "consent-browser";

    private static final Logger audit = LoggerFactory.getLogger(UpdateAudit.LOGGER);
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8);

    private final ConsentRenewal renewal;
    private final JsonMapper json;
    private final Clock clock;

    ConsentController(ConsentRenewal renewal, JsonMapper json, Clock clock) {
        this.renewal = renewal;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping("/consent")
    ResponseEntity<String> page() {
        enabled();
        ConsentRenewal.Status status = renewal.status();
        StringBuilder body = new StringBuilder();
        if (status.works()) {
            body.append("<p class=\"works\">The consent works: App+User calls to Partner Center go through.</p>");
        } else {
            body.append("<p class=\"down\">The consent must be renewed: <strong>")
                    .append(escape(status.reason()))
                    .append("</strong>");
            if (status.upstreamErrorCode() != null) {
                body.append(" (").append(escape(status.upstreamErrorCode())).append(')');
            }
            body.append(", since ")
                    .append(escape(String.valueOf(status.since())))
                    .append(".</p>");
        }
        body.append("<p>Last renewed here: ")
                .append(
                        status.lastRenewed() != null
                                ? escape(status.lastRenewed().toString())
                                : "never")
                .append(".</p>");
        body.append("<p>The refresh token's days left: ")
                .append(status.daysLeft() != null ? status.daysLeft() : "unknown until it is first redeemed")
                .append(".</p>");
        if (!status.anyoneAllowed()) {
            body.append("<p class=\"down\">Nobody may renew the consent: partner-center.consent.allowed-users is"
                    + " empty.</p>");
        } else {
            body.append("<p><a href=\"/consent/renew\">Renew the consent</a>: sign in as a partner admin, with"
                    + " multi-factor authentication.</p>");
        }
        if (!status.fleetWide()) {
            body.append("<p>Without Redis a renewal lives in this replica's memory: a restart returns to the"
                    + " configured refresh token.</p>");
        }
        return page(HttpStatus.OK, "The service's consent", body.toString());
    }

    @GetMapping("/consent/renew")
    ResponseEntity<Void> renew(HttpServletRequest request) {
        enabled();
        URI base = ServletUriComponentsBuilder.fromContextPath(request)
                .replacePath(null)
                .replaceQuery(null)
                .build()
                .toUri();
        ConsentRenewal.Started started = renewal.begin(base);
        ResponseCookie cookie = ResponseCookie.from(COOKIE, started.browser())
                .path("/consent")
                .httpOnly(true)
                .sameSite("Lax")
                .secure(request.isSecure())
                .maxAge(Duration.ofMinutes(10))
                .build();
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(started.authorizationUri())
                .header(HttpHeaders.SET_COOKIE, cookie.toString())
                .cacheControl(CacheControl.noStore())
                .build();
    }

    @GetMapping("/consent/callback")
    ResponseEntity<String> callback(
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String code,
            @RequestParam(required = false) String error,
            @CookieValue(name = COOKIE, required = false) String browser) {
        enabled();
        ConsentRenewal.Outcome outcome = renewal.complete(state, code, error, browser);
        audit(outcome);
        StringBuilder body = new StringBuilder();
        if (outcome.renewed()) {
            body.append("<p class=\"works\">The consent was renewed by <strong>")
                    .append(escape(outcome.user()))
                    .append("</strong> at ")
                    .append(escape(clock.instant().toString()))
                    .append(". App+User calls go through with it")
                    .append(
                            renewal.status().fleetWide()
                                    ? ", on every replica."
                                    : ", on this replica only: without Redis a restart returns to the configured refresh"
                                            + " token.")
                    .append("</p>");
        } else {
            body.append("<p class=\"down\">Nothing was changed. ")
                    .append(escape(outcome.message()))
                    .append("</p><p>Reason: <code>")
                    .append(escape(outcome.outcome()))
                    .append("</code>");
            if (outcome.detail() != null) {
                body.append(" (").append(escape(outcome.detail())).append(')');
            }
            body.append(".</p>");
        }
        body.append("<p><a href=\"/consent\">Back to the consent page</a></p>");
        return page(HttpStatus.valueOf(outcome.status()), "Consent renewal", body.toString());
    }

    private void enabled() {
        if (!renewal.enabled()) {
            throw new ResponseStatusException(
                    HttpStatus.NOT_FOUND, "The consent page is off (partner-center.consent.enabled).");
        }
    }

    // One event per callback: who, which tenant, how it ended, and the request's correlation id; never a code or token.
    private void audit(ConsentRenewal.Outcome outcome) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", "consent");
        event.put("time", clock.instant().toString());
        event.put("user", outcome.user());
        event.put("tenant", outcome.tenant());
        event.put("outcome", outcome.outcome());
        event.put("correlationId", CorrelationId.current());
        audit.info(json.writeValueAsString(event));
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
                + " · partner-center-bff</title></head><body><h1>" + title + "</h1>" + body + "</body></html>";
        return ResponseEntity.status(status)
                .contentType(HTML)
                .cacheControl(CacheControl.noStore())
                .body(html);
    }

    private static String escape(String text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text);
    }
}
