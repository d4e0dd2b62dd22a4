package com.contoso.partnercenter.bff.partnercenter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.fleet.RedisServer;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet's refresh-token chain in a real Redis, as replicas load and save it through Spring Security: which
 * tokens win is decided by Redis, not by the replicas' clocks, and a Redis that lost everything gets the chain
 * back rather than a configured token long since redeemed.
 */
class RedisTokenStoreTest {

    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String APP_USER = Operation.Grant.APP_USER.registrationId();

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    // A token request holds the fleet's lock for at most 5 s: twice its timeout and two seconds.
    PartnerCenterProperties settings = Fixture.settings(
            "auth.refresh-token=configured-refresh-token",
            "auth.token-uri=http://127.0.0.1:9/token",
            "auth.timeout=1500ms",
            "fleet.token-key=" + KEY,
            "fleet.key-prefix=tokens-test:");
    ReactiveClientRegistrationRepository registrations = EntraIdTokens.registrations(settings.auth());
    ClientRegistration appUser = registrations.findByRegistrationId(APP_USER).block();

    @BeforeEach
    void empty() {
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
    }

    /** A replica as EntraIdTokens sets it up: the configured refresh token, with no access token yet. */
    TokenStore replica(Clock clock) {
        var fleet = new RedisFleetState(new ReactiveStringRedisTemplate(redis.connections()), settings.fleet(), clock);
        var store = new TokenStore(fleet, new TokenCipher(KEY), settings, JsonMapper.shared(), clock);
        store.seed(tokens("none", "configured-refresh-token"));
        return store;
    }

    OAuth2AuthorizedClient tokens(String access, String refresh) {
        Instant now = Instant.now();
        return new OAuth2AuthorizedClient(
                appUser,
                "partner-center-bff",
                new OAuth2AccessToken(
                        OAuth2AccessToken.TokenType.BEARER, access, now, now.plusSeconds(3600), Set.of("scope")),
                new OAuth2RefreshToken(refresh, now));
    }

    static String refreshToken(TokenStore store) {
        OAuth2AuthorizedClient client =
                store.loadAuthorizedClient(APP_USER, "partner-center-bff").block();
        return client.getRefreshToken().getTokenValue();
    }

    static void save(TokenStore store, OAuth2AuthorizedClient client) {
        store.saveAuthorizedClient(client, UsernamePasswordAuthenticationToken.unauthenticated("bff", null))
                .block();
    }

    @Test
    void aReplicaWhoseClockRunsAheadCannotReplaceNewerTokensWithOlderOnes() {
        TokenStore a = replica(Clock.systemUTC());
        TokenStore b = replica(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        assertThat(refreshToken(a)).isEqualTo("configured-refresh-token");
        save(a, tokens("access-1", "refresh-1"));
        assertThat(refreshToken(b)).isEqualTo("refresh-1");

        save(a, tokens("access-2", "refresh-2")); // a rotated the chain
        save(b, tokens("access-3", "refresh-3")); // b's write replaces refresh-1, which is gone from the fleet

        assertThat(refreshToken(replica(Clock.systemUTC())))
                .as("a replica started now takes the chain's newest")
                .isEqualTo("refresh-2");
        assertThat(refreshToken(b)).as("b takes it at its next look").isEqualTo("refresh-2");
    }

    @Test
    void aRedisThatLostEverythingGetsTheChainBackNotTheConfiguredToken() {
        TokenStore running = replica(Clock.systemUTC());
        refreshToken(running);
        save(running, tokens("access-1", "refresh-1"));
        save(running, tokens("access-2", "refresh-2"));

        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK"); // Redis restarted empty
        TokenStore started = replica(Clock.systemUTC());
        assertThat(refreshToken(started))
                .as("nothing else is stored yet: its own configured token")
                .isEqualTo("configured-refresh-token");
        assertThat(refreshToken(running)).isEqualTo("refresh-2"); // its next look writes the chain again

        assertThat(refreshToken(started)).isEqualTo("refresh-2");
        assertThat(refreshToken(replica(Clock.systemUTC())))
                .as("and the configured token does not count as a new consent any more")
                .isEqualTo("refresh-2");
    }

    @Test
    void aNewConsentReplacesTheChainOnce() {
        TokenStore running = replica(Clock.systemUTC());
        refreshToken(running);
        save(running, tokens("access-1", "refresh-1"));

        TokenStore consented = replica(Clock.systemUTC());
        consented.seed(tokens("none", "new-consent-token"));
        assertThat(refreshToken(consented)).isEqualTo("new-consent-token");
        assertThat(refreshToken(running)).isEqualTo("new-consent-token");

        save(running, tokens("access-2", "refresh-from-new-consent"));
        TokenStore anotherPod = replica(Clock.systemUTC());
        anotherPod.seed(tokens("none", "new-consent-token"));
        assertThat(refreshToken(anotherPod))
                .as("a consent seen before is older than the chain that grew from it")
                .isEqualTo("refresh-from-new-consent");
    }
}
