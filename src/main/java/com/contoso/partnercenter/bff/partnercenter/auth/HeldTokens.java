package com.contoso.partnercenter.bff.partnercenter.auth;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * This replica's copy of its tokens, what every call uses while it is good. A rotated refresh token replaces the
 * old one at once; a refresh token Entra ID refused is forgotten, so it is not sent again, until a newer one
 * comes.
 */
final class HeldTokens {

    /** One registration's tokens and the refresh token's age. */
    record Held(OAuth2AuthorizedClient client, Instant refreshIssuedAt) {}

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private volatile Instant refreshTokenIssuedAt;

    void seed(OAuth2AuthorizedClient configured) {
        held.put(configured.getClientRegistration().getRegistrationId(), new Held(configured, null));
    }

    OAuth2AuthorizedClient held(String registrationId) {
        Held current = held.get(registrationId);
        return current == null ? null : current.client();
    }

    Held current(String registrationId) {
        return held.get(registrationId);
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

    void remove(String registrationId) {
        held.remove(registrationId);
    }

    Instant refreshTokenIssuedAt() {
        return refreshTokenIssuedAt;
    }
}
