package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The daily MFA self-check, with the keep-alive: once a day for the fleet, one App+User validation-codes call with
 * {@code ValidateMfa: true}. An answer that says the token's sign-in lacks MFA starts the {@code mfa-required}
 * consent state (health, gauge, alert) before Partner Center refuses the portals' calls; a later answer that says it
 * has MFA ends a state the check started. The fleet's first day starts when the first replica first looks, so a
 * service that has only just started (or a test's) sends nothing; one replica takes each day's check, by
 * compare-and-set of the next day's instant.
 */
@Component
final class MfaSelfCheck {

    static final Duration EVERY = Duration.ofDays(1);
    // The operation a check's refusal names: ending it takes another check's yes, or a renewed consent.
    static final String OPERATION = Operation.VALIDATION_CODES_NAME;
    // Longer than a day, so a look that comes late still finds when the check was due.
    private static final Duration KEPT = EVERY.multipliedBy(3);

    private final EntraIdTokens tokens;
    private final MfaCheck mfa;
    private final ConsentState consent;
    private final FleetState state;
    private final Clock clock;
    private final String key;

    MfaSelfCheck(EntraIdTokens tokens, MfaCheck mfa, ConsentState consent, FleetState state, Clock clock) {
        this.tokens = tokens;
        this.mfa = mfa;
        this.consent = consent;
        this.state = state;
        this.clock = clock;
        this.key = state.key("consent", "mfa-check-due");
    }

    /** The check, if it is due for the fleet and this replica is the one to take it; else nothing. */
    Mono<Void> ifDue() {
        return state.find(key)
                .flatMap(found -> {
                    Instant now = clock.instant();
                    String next = now.plus(EVERY).toString();
                    if (found.isEmpty()) {
                        return state.putIfAbsent(key, next, KEPT).then();
                    }
                    if (now.isBefore(due(found.get()))) {
                        return Mono.empty();
                    }
                    return state.replace(key, found.get(), next, KEPT)
                            .filter(Boolean::booleanValue)
                            .flatMap(mine -> check());
                })
                .onErrorResume(failure -> Mono.empty());
    }

    private static Instant due(String written) {
        try {
            return Instant.parse(written);
        } catch (DateTimeParseException unreadable) {
            return Instant.MIN;
        }
    }

    // A token the check cannot get is the token's own story (EntraIdTokens tells it); Partner Center not answering
    // proves nothing, so the day's check is given back for the next look.
    private Mono<Void> check() {
        return tokens.token(Operation.Grant.APP_USER)
                .flatMap(client -> mfa.check(client.getAccessToken().getTokenValue()))
                .flatMap(verdict -> switch (verdict) {
                    case COMPLIANT -> Mono.fromRunnable(() -> consent.acceptedByPartnerCenter(OPERATION));
                    case NOT_COMPLIANT ->
                        Mono.fromRunnable(() -> consent.required(ConsentNeeded.MFA_REQUIRED, null, OPERATION));
                    case REFUSED_WITHOUT_MFA ->
                        Mono.fromRunnable(() -> consent.required(
                                ConsentNeeded.MFA_REQUIRED, ConsentNeeded.PARTNER_CENTER_MFA_CODE, OPERATION));
                    case UNKNOWN -> state.delete(List.of(key));
                })
                .onErrorResume(failure -> Mono.empty())
                .then();
    }
}
