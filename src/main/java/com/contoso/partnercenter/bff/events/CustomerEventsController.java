package com.contoso.partnercenter.bff.events;

import com.contoso.partnercenter.bff.partnercenter.CustomerState;
import com.contoso.partnercenter.bff.partnercenter.CustomerWatch;
import com.contoso.partnercenter.bff.partnercenter.Watching;
import com.contoso.partnercenter.bff.web.CustomerId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /api/v1/customer-events: a server-sent event stream of the watched customers' states, written by the
 * request's own (virtual) thread, which waits between events. It ends when the portal's token expires (the portal
 * reconnects with a new one), when the service stops, or when the portal goes away (seen at the next write: a
 * keep-alive comes at least once per interval).
 */
@RestController
@Tag(name = "events", description = "Changes to customers, pushed as server-sent events")
class CustomerEventsController {

    static final int MAX_CUSTOMERS = 100;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final CustomerWatch watch;
    private final JsonMapper json;
    private final Clock clock;

    CustomerEventsController(CustomerWatch watch, JsonMapper json, Clock clock) {
        this.watch = watch;
        this.json = json;
        this.clock = clock;
    }

    // Whatever the Accept header says (no produces): a portal that asks for JSON gets the stream, as with curl.
    @GetMapping("/api/v1/customer-events")
    @Operation(
            operationId = "watchCustomers",
            summary = "Watch customers for changes (server-sent events)",
            description = "A text/event-stream of events named customer, each with an increasing id and one line of"
                    + " JSON (CustomerEvent): first the current state of every customer asked for, then an event"
                    + " whenever a customer's validation status, eligibility or qualifications change, and only"
                    + " then. The service reads each watched customer once per partner-center.watch.interval for"
                    + " the whole fleet; a portal's own update reaches the stream within 2 s. A comment line"
                    + " (: keep-alive) comes at least every 15 s. The stream ends when the token expires and when"
                    + " the service stops: reconnect (with a new token), and the stream starts again with the"
                    + " current state. Browsers' EventSource cannot send a bearer token: read it with fetch (the"
                    + " TypeScript client's watchCustomers does). 429 with Retry-After when the fleet would watch"
                    + " more than partner-center.watch.max-customers. Needs partner-center.read.",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            description = "The stream of customer events.",
                            content =
                                    @Content(
                                            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                                            schema = @Schema(implementation = CustomerEvent.class))))
    void events(
            @RequestParam(name = "customerId", required = false)
                    @Parameter(
                            description = "The customers to watch: 1 to 100 distinct tenant ids (GUIDs), the"
                                    + " parameter repeated.",
                            required = true)
                    List<@CustomerId String> customerIds,
            @AuthenticationPrincipal Jwt token,
            HttpServletRequest request,
            HttpServletResponse response)
            throws IOException {
        long distinct = customerIds == null
                ? 0
                : customerIds.stream()
                        .map(id -> id.toLowerCase(Locale.ROOT))
                        .distinct()
                        .count();
        if (distinct < 1 || distinct > MAX_CUSTOMERS) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.BAD_REQUEST,
                    "customerId must name 1 to " + MAX_CUSTOMERS + " distinct customers; it names " + distinct + ".");
            problem.setTitle("Invalid request");
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
        if (HttpMethod.HEAD.matches(request.getMethod())) {
            eventStream(response); // the headers of the stream, and no watch: a HEAD has no body to wait for
            return;
        }
        try (Watching watching = watch.watch(customerIds)) {
            eventStream(response);
            OutputStream out = response.getOutputStream();
            response.flushBuffer();
            send(watching, out, token.getExpiresAt());
        } catch (IOException portalWentAway) {
            // Seen at a write: the stream is over, and closing the watch is all there is to do.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void eventStream(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE + ";charset=UTF-8");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader("X-Accel-Buffering", "no"); // nginx and its kin: pass each event on at once
    }

    private void send(Watching watching, OutputStream out, Instant expires) throws IOException, InterruptedException {
        Duration keepAlive = watch.keepAlive();
        long id = 0;
        Instant nextKeepAlive = clock.instant().plus(keepAlive);
        while (true) {
            Instant now = clock.instant();
            if (expires != null && !now.isBefore(expires)) {
                return; // the portal reconnects with a new token
            }
            if (!now.isBefore(nextKeepAlive)) {
                out.write(KEEP_ALIVE);
                out.flush();
                nextKeepAlive = now.plus(keepAlive);
            }
            Duration wait = Duration.between(now, nextKeepAlive);
            if (expires != null && expires.isBefore(nextKeepAlive)) {
                wait = Duration.between(now, expires);
            }
            CustomerState state = watching.next(wait);
            if (watching.ended()) {
                return;
            }
            if (state != null) {
                out.write(("event: customer\nid: " + ++id + "\ndata: "
                                + json.writeValueAsString(CustomerEvent.of(state)) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }
}
