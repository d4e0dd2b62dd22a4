package com.contoso.partnercenter.bff.partnercenter.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import reactor.core.publisher.Mono;

/**
 * The tokens in this replica's memory. A rotated refresh token replaces the old one at once; a refresh token
 * Entra ID refused is forgotten, so it is not sent again, until a newer one comes.
 */
public final class LocalTokenStore implements TokenStore {

    /** One registration's tokens, with when they were obtained (their rank: newer wins) and the refresh token's age. */
    record Held(OAuth2AuthorizedClient client, long rank, Instant refreshIssuedAt) {}

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Instant refreshTokenIssuedAt;

    public LocalTokenStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void seed(OAuth2AuthorizedClient configured) {
        held.put(configured.getClientRegistration().getRegistrationId(), new Held(configured, 0, null));
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

    /** Keeps tokens just obtained (or another replica's, newer than this one's); returns what was kept. */
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
                refreshIssuedAt = issuedAt(client.getRefreshToken(), obtained);
                refreshTokenIssuedAt = refreshIssuedAt;
            }
            return new Held(client, obtained.toEpochMilli(), refreshIssuedAt);
        });
    }

    /** Another replica's tokens, newer than this replica's, with the refresh token's known age. */
    void adopt(OAuth2AuthorizedClient client, long rank, Instant refreshIssuedAt) {
        String registrationId = client.getClientRegistration().getRegistrationId();
        held.compute(
                registrationId,
                (id, previous) -> previous != null && previous.rank() >= rank
                        ? previous
                        : new Held(client, rank, refreshIssuedAt));
        if (refreshIssuedAt != null && client.getRefreshToken() != null) {
            refreshTokenIssuedAt = refreshIssuedAt;
        }
    }

    private static Instant issuedAt(OAuth2RefreshToken token, Instant obtained) {
        return token.getIssuedAt() != null ? token.getIssuedAt() : obtained;
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
    public Instant refreshTokenIssuedAt() {
        return refreshTokenIssuedAt;
    }
}
