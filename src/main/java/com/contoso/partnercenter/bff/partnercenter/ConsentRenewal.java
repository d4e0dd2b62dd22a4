package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.ConsentFlow;
import com.contoso.partnercenter.bff.partnercenter.auth.ConsentState;
import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The module's second front door: the consent a partner admin renews in the service (the consent page), as plain
 * blocking calls for request threads, waiting as {@link PartnerCenter} does. Behind it Entra ID's authorization code flow, the ID token's checks, the proof
 * on Partner Center and the fleet's refresh-token chain ({@code auth.ConsentFlow}).
 */
@Component
public class ConsentRenewal {

    /** The consent as the page shows it. */
    public record Status(
            boolean enabled,
            boolean works,
            String reason,
            String upstreamErrorCode,
            Instant since,
            Instant lastRenewed,
            Long daysLeft,
            boolean anyoneAllowed,
            boolean fleetWide) {}

    /** Where the browser goes, and the value of the cookie that binds the sign-in to that browser. */
    public record Started(URI authorizationUri, String browser) {}

    /**
     * How a callback ended: its page's status, {@code outcome} ({@code renewed} or the reason), what to tell the
     * person, a detail (Entra ID's error code, the failed check), and who signed in from which tenant, when known.
     */
    public record Outcome(int status, String outcome, String message, String detail, String user, String tenant) {
        public boolean renewed() {
            return status == 200;
        }
    }

    private final PartnerCenterProperties.Consent settings;
    private final ConsentFlow flow;
    private final ConsentState consent;
    private final EntraIdTokens tokens;
    private final Duration lifetime;
    private final Clock clock;

    ConsentRenewal(
            PartnerCenterProperties properties,
            ConsentFlow flow,
            ConsentState consent,
            EntraIdTokens tokens,
            Clock clock) {
        this.settings = properties.consent();
        this.flow = flow;
        this.consent = consent;
        this.tokens = tokens;
        this.lifetime = properties.auth().refreshTokenLifetime();
        this.clock = clock;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** The consent now: whether it works or why not, when it was last renewed here, the refresh token's days left. */
    public Status status() {
        ConsentState.Required required = consent.current();
        Instant issuedAt = tokens.refreshTokenIssuedAt();
        Long daysLeft = issuedAt == null
                ? null
                : Math.max(
                        0,
                        Duration.between(clock.instant(), issuedAt.plus(lifetime))
                                .toDays());
        Instant lastRenewed = PartnerCenter.waitFor(flow.lastRenewed());
        return new Status(
                settings.enabled(),
                required == null,
                required != null ? required.reason().reason() : null,
                required != null ? required.code() : null,
                required != null ? required.since() : null,
                lastRenewed,
                daysLeft,
                !allowedUsers().isEmpty(),
                flow.fleetWide());
    }

    /** A new sign-in at Entra ID, coming back to this service, reached at {@code base} (scheme, host and port). */
    public Started begin(URI base) {
        ConsentFlow.Started started = PartnerCenter.waitFor(flow.start(redirectUri(base)));
        return new Started(started.authorizationUri(), started.browser());
    }

    /** The browser is back: every check, then the new consent for the fleet, or nothing changed. */
    public Outcome complete(String state, String code, String error, String browser) {
        ConsentFlow.Result result = PartnerCenter.waitFor(Mono.defer(() -> flow.complete(state, code, error, browser)));
        ConsentFlow.Outcome outcome = result.outcome();
        return new Outcome(
                outcome.status(), outcome.reason(), outcome.message(), result.detail(), result.user(), result.tenant());
    }

    // Where the browser comes back, unless the settings name it: base followed by /consent/callback.
    private URI redirectUri(URI base) {
        return settings.redirectUri() != null ? settings.redirectUri() : base.resolve("/consent/callback");
    }

    private List<String> allowedUsers() {
        return settings.allowedUsers();
    }
}
