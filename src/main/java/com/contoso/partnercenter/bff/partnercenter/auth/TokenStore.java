package com.contoso.partnercenter.bff.partnercenter.auth;

import java.time.Instant;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import reactor.core.publisher.Mono;

/**
 * Where the service's Entra ID tokens are kept, as Spring Security's OAuth2 client loads and saves them: this
 * replica's memory ({@link LocalTokenStore}), or, in fleet mode, Redis ({@link RedisTokenStore}), so the fleet
 * shares one refresh-token chain and its access tokens.
 */
public interface TokenStore extends ReactiveOAuth2AuthorizedClientService {

    /** The configured tokens to start from: the refresh token from the consent, with no access token yet. */
    void seed(OAuth2AuthorizedClient configured);

    /** This replica's copy of the registration's tokens, asking nobody: what every call uses while it is good. */
    OAuth2AuthorizedClient held(String registrationId);

    /** Runs {@code work} (a token request) while no other replica of the fleet runs one for the registration. */
    <T> Mono<T> oneAtATime(String registrationId, Mono<T> work);

    /**
     * Whether this replica, one of a fleet, cannot reach the fleet's store now (Redis away, or failing over): a
     * token request now would be its alone, and would fork the fleet's refresh-token chain.
     */
    boolean cutOff();

    /** When the newest App+User refresh token was issued; {@code null} while nobody knows (the configured one). */
    Instant refreshTokenIssuedAt();
}
