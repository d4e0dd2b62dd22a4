package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The App+User refresh token's lifetime, watched in every mode. Entra ID refresh tokens expire 90 days after
 * they were issued, and a refused one (expired, revoked consent) takes every App+User call down with it. So:
 *
 * <ul>
 *   <li>{@code partner_center_refresh_token_expiry_seconds}: the time left on the newest refresh token, 0 once
 *       Entra ID refused it, none while its age is unknown (the configured token, until first redeemed);
 *   <li>the {@code partnerCenterCredentials} health component, DOWN after a refusal, with what to do; it never
 *       fails readiness, since App-only calls still work;
 *   <li>a keep-alive: the refresh token is redeemed at least every {@code partner-center.auth.keep-alive} (a day;
 *       the hourly look redeems it once it is due within the next look) and soon after start when its age is
 *       unknown, so a quiet service does not let it lapse; in fleet mode one replica does it;
 *   <li>with the keep-alive, the daily MFA self-check ({@link MfaSelfCheck});
 *   <li>a WARN line a day once fewer than 14 days are left, and one when Entra ID refuses the token.
 * </ul>
 */
// Its bean name is the health component's: partnerCenterCredentials.
@Component("partnerCenterCredentials")
public final class RefreshTokenWatch implements HealthIndicator, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokenWatch.class);
    static final Duration WARN_BEFORE = Duration.ofDays(14);
    static final String NEW_CONSENT = "A partner admin consents again (the secure application model) to get a new"
            + " refresh token; put it in the Secret under refresh-token (PARTNER_CENTER_AUTH_REFRESH_TOKEN) and roll"
            + " the pods. In fleet mode the first new pod hands it to every replica.";
    static final String CHECK_CLIENT = "Entra ID refused the app itself, not the refresh token: check"
            + " partner-center.auth.client-id and client-secret (an expired secret?) and the app registration's"
            + " permissions; the refresh token is kept and works again once the app does.";

    private final EntraIdTokens tokens;
    private final ConsentState consent;
    private final MfaSelfCheck mfaSelfCheck;
    private final Duration keepAlive;
    private final Duration lifetime;
    private final Clock clock;
    private volatile Disposable watching;
    private volatile Instant lastWarning = Instant.MIN;
    private volatile EntraIdTokens.Refusal reported;

    RefreshTokenWatch(
            EntraIdTokens tokens,
            ConsentState consent,
            MfaSelfCheck mfaSelfCheck,
            PartnerCenterProperties properties,
            MeterRegistry meters,
            Clock clock) {
        this.tokens = tokens;
        this.consent = consent;
        this.mfaSelfCheck = mfaSelfCheck;
        this.keepAlive = properties.auth().keepAlive();
        this.lifetime = properties.auth().refreshTokenLifetime();
        this.clock = clock;
        Gauge.builder("partner.center.refresh.token.expiry", this, watch -> watch.secondsLeft())
                .baseUnit("seconds")
                .description("Time left on the newest App+User refresh token; 0 once Entra ID refused it")
                .register(meters);
    }

    /**
     * Seconds left on the newest refresh token: 0 once refused ({@code invalid_grant}; a sign-in Entra ID asks for,
     * MFA, leaves the token as it was), NaN while its age is unknown.
     */
    double secondsLeft() {
        EntraIdTokens.Refusal refusal = tokens.refusal();
        if (refreshTokenRefused(refusal)
                && "invalid_grant".equals(refusal.error().getErrorCode())) {
            return 0;
        }
        Instant issuedAt = tokens.refreshTokenIssuedAt();
        if (issuedAt == null) {
            return Double.NaN;
        }
        return Math.max(
                0, Duration.between(clock.instant(), issuedAt.plus(lifetime)).toSeconds());
    }

    /** One look: redeem the token if it is due, then say what needs saying. */
    Mono<Void> check() {
        // Due within the next look counts as due: redeemed at least every keep-alive, not every keep-alive and a look.
        return tokens.keepAlive(keepAlive.minus(period()))
                .onErrorResume(failure -> {
                    if (tokens.refusal() == null) {
                        log.warn(
                                "Could not redeem the App+User refresh token to keep it alive ({}); trying again in {}",
                                failure.toString(),
                                period());
                    }
                    return Mono.empty();
                })
                .then(Mono.defer(mfaSelfCheck::ifDue))
                .then(Mono.fromRunnable(this::report));
    }

    private void report() {
        EntraIdTokens.Refusal refusal = tokens.refusal();
        if (refusal != null && refusal != reported) {
            reported = refusal;
            // A refused refresh token is a consent to renew: ConsentState writes its one line.
            if (!refreshTokenRefused(refusal)) {
                log.warn("Entra ID refused the service's token request ({}). {}", refusal.reason(), CHECK_CLIENT);
            }
            return;
        }
        double left = secondsLeft();
        if (!Double.isNaN(left)
                && left < WARN_BEFORE.toSeconds()
                && refusal == null
                && lastWarning.isBefore(clock.instant().minus(Duration.ofDays(1)))) {
            lastWarning = clock.instant();
            log.warn(
                    "The App+User refresh token expires in {} days (issued {}). Redeeming it renews it; if that"
                            + " keeps failing: {}",
                    Duration.ofSeconds((long) left).toDays(),
                    tokens.refreshTokenIssuedAt(),
                    NEW_CONSENT);
        }
    }

    private static boolean refreshTokenRefused(EntraIdTokens.Refusal refusal) {
        return refusal != null && refusal.what() == EntraIdTokens.Refused.REFRESH_TOKEN;
    }

    // Often enough that a token of unknown age is redeemed soon after start, and a due one within the hour.
    private Duration period() {
        Duration quarter = keepAlive.dividedBy(4);
        return quarter.compareTo(Duration.ofHours(1)) < 0 ? quarter : Duration.ofHours(1);
    }

    /**
     * DOWN while a person must renew the consent (in fleet mode, on every replica), with the {@code reason} ({@code
     * mfa-required}, {@code refresh-token-expired}, {@code consent-revoked}) and what to do; DOWN with {@code
     * client-refused} while Entra ID refuses the app itself. Never part of readiness: App-only calls still work.
     */
    @Override
    public Health health() {
        ConsentState.Required required = consent.current();
        if (required != null) {
            Health.Builder down = Health.down()
                    .withDetail("refreshToken", "a person must renew the consent")
                    .withDetail("reason", required.reason().reason());
            if (required.code() != null) {
                down.withDetail("upstreamErrorCode", required.code());
            }
            return down.withDetail("since", required.since().toString())
                    .withDetail("action", required.reason().action())
                    .build();
        }
        // A refused refresh token is a consent to renew, said above.
        EntraIdTokens.Refusal refusal = tokens.refusal();
        if (refusal != null && !refreshTokenRefused(refusal)) {
            return Health.down()
                    .withDetail("client", "refused by Entra ID")
                    .withDetail("reason", "client-refused")
                    .withDetail("error", refusal.reason())
                    .withDetail("since", refusal.since().toString())
                    .withDetail("action", CHECK_CLIENT)
                    .build();
        }
        Instant issuedAt = tokens.refreshTokenIssuedAt();
        if (issuedAt == null) {
            return Health.up()
                    .withDetail("refreshToken", "the configured one, not redeemed yet")
                    .build();
        }
        return Health.up()
                .withDetail("refreshTokenIssuedAt", issuedAt.toString())
                .withDetail("refreshTokenExpiresAt", issuedAt.plus(lifetime).toString())
                .build();
    }

    @Override
    public void start() {
        Duration period = period();
        Duration first = period.compareTo(Duration.ofSeconds(10)) < 0 ? period : Duration.ofSeconds(10);
        watching = Flux.interval(first, period).concatMap(tick -> check()).subscribe();
    }

    @Override
    public void stop() {
        Disposable current = watching;
        if (current != null) {
            current.dispose();
        }
        watching = null;
    }

    @Override
    public boolean isRunning() {
        return watching != null;
    }
}
