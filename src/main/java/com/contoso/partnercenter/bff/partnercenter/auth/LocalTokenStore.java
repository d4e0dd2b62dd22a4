package com.contoso.partnercenter.bff.partnercenter.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import reactor.core.publisher.Mono;

/**
 * The tokens in this replica's memory. A rotated refresh token replaces the old one at once; a refresh token
 * Entra ID refused is forgotten, so it is not sent again, until a newer one comes.
 */
public final class LocalTokenStore implements TokenStore {

    /** One registration's tokens and the refresh token's age. */
    record Held(OAuth2AuthorizedClient client, Instant refreshIssuedAt) {}

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Instant refreshTokenIssuedAt;

    public LocalTokenStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void seed(OAuth2AuthorizedClient configured) {
        held.put(configured.getClientRegistration().getRegistrationId(), new Held(configured, null));
    }

    @Override
    public OAuth2AuthorizedClient held(String registrationId) {
        Held current = held.get(registrationId);
        return current == null ? null : current.client();
    }

    Held current(String registrationId) {
        return held.get(registrationId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
        return Mono.fromSupplier(() -> (T) held(registrationId));
    }

    @Override
    public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
        return Mono.fromRunnable(() -> keep(client, clock.instant()));
    }

    /** Keeps tokens just obtained; returns what was kept. */
    Held keep(OAuth2AuthorizedClient client, Instant obtained) {
        String registrationId = client.getClientRegistration().getRegistrationId();
        return held.compute(registrationId, (id, previous) -> {
            Instant refreshIssuedAt = previous != null ? previous.refreshIssuedAt() : null;
            if (client.getRefreshToken() != null
                    && (previous == null
                            || previous.client().getRefreshToken() == null
                            || !Objects.equals(
                                    previous.client().getRefreshToken().getTokenValue(),
                                    client.getRefreshToken().getTokenValue()))) {
                // This replica's clock, not the token's: Spring stamps it with the system's time anyway, and the
                // keep-alive compares it with this clock.
                refreshIssuedAt = obtained;
                refreshTokenIssuedAt = refreshIssuedAt;
            }
            return new Held(client, refreshIssuedAt);
        });
    }

    /** Another replica's tokens, later than this replica's, with the refresh token's known age. */
    void adopt(OAuth2AuthorizedClient client, Instant refreshIssuedAt) {
        held.put(client.getClientRegistration().getRegistrationId(), new Held(client, refreshIssuedAt));
        if (refreshIssuedAt != null && client.getRefreshToken() != null) {
            refreshTokenIssuedAt = refreshIssuedAt;
        }
    }

    /**
     * Spring drops tokens Entra ID refused ({@code invalid_grant}): the refresh token is not sent again. The next
     * call then answers at once that there is no token, until a new consent brings a new one.
     */
    @Override
    public Mono<Void> removeAuthorizedClient(String registrationId, String principal) {
        return Mono.fromRunnable(() -> held.remove(registrationId));
    }

    @Override
    public <T> Mono<T> oneAtATime(String registrationId, Mono<T> work) {
        return work; // one replica: EntraIdTokens already makes one request at a time
    }

    @Override
    public boolean cutOff() {
        return false; // alone by design: nobody to be cut off from
    }

    @Override
    public Instant refreshTokenIssuedAt() {
        return refreshTokenIssuedAt;
    }
}
