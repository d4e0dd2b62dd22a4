package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet's tokens in Redis, encrypted (AES-256-GCM): one refresh-token chain and its access tokens for all
 * replicas, so the fleet asks Entra ID for a token once an hour, not once per replica, and a replica started
 * long after the consent uses the chain's newest refresh token, not the configured one.
 *
 * <ul>
 *   <li><b>Newer wins.</b> Every write carries when its tokens were obtained; a compare-and-set script keeps an
 *       older write from replacing a newer one.
 *   <li><b>One refresh at a time.</b> A replica redeems the refresh token under a short lock; the others wait,
 *       then find its new tokens. So no call fails because another replica rotated the token, even against an
 *       issuer that accepts only the newest refresh token.
 *   <li><b>A new consent wins.</b> A configured refresh token the fleet has never seen (its HMAC is recorded,
 *       never the token) replaces the stored chain; one seen before is an older pod's, and the chain wins.
 *   <li><b>Redis lost the tokens</b> (restarted empty): the next replica to look writes its own again.
 *   <li><b>Redis away:</b> each replica goes on with its own copy.
 * </ul>
 */
public final class RedisTokenStore implements TokenStore {

    // Sets the value when no stored value has a rank (the number before the colon) at least as high.
    private static final RedisScript<Long> NEWER_WINS = RedisScript.of("""
            local current = redis.call('GET', KEYS[1])
            if current then
              local rank = tonumber(string.match(current, '^(%d+):'))
              if rank and rank >= tonumber(ARGV[2]) then return 0 end
            end
            redis.call('SET', KEYS[1], ARGV[1])
            return 1
            """, Long.class);
    private static final Duration POLL = Duration.ofMillis(50);

    /** What is stored, encrypted: a registration's tokens and where they come from. */
    record Stored(
            String accessToken,
            long accessIssuedAt,
            long accessExpiresAt,
            Set<String> scopes,
            String refreshToken,
            Long refreshIssuedAt,
            String consent) {}

    private final LocalTokenStore local;
    private final FleetRedis redis;
    private final TokenCipher cipher;
    private final ReactiveClientRegistrationRepository registrations;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration lockFor;
    private volatile OAuth2AuthorizedClient configured;
    private volatile String consent;
    private volatile boolean consentRecorded;
    private volatile String refused;

    /**
     * @param lockFor the longest one token request may hold the fleet's lock (partner-center.auth.timeout and a
     *     margin): a replica that died with it does not hold the others for longer.
     */
    public RedisTokenStore(
            FleetRedis redis,
            TokenCipher cipher,
            ReactiveClientRegistrationRepository registrations,
            JsonMapper json,
            Clock clock,
            Duration lockFor) {
        this.local = new LocalTokenStore(clock);
        this.redis = redis;
        this.cipher = cipher;
        this.registrations = registrations;
        this.json = json;
        this.clock = clock;
        this.lockFor = lockFor;
        // Redis may have lost everything (restarted empty): this replica's tokens go back in, newer still winning,
        // and the consents it knows are recorded again as seen, so none of them counts as new after the loss.
        redis.onRecovery(() -> {
            if (configured != null) {
                redis.run(template -> template.opsForSet()
                                .add(
                                        redis.key("consents"),
                                        consent,
                                        cipher.fingerprint(
                                                configured.getRefreshToken().getTokenValue())))
                        .subscribe();
            }
            for (String registrationId :
                    List.of(Operation.Grant.APP_USER.registrationId(), Operation.Grant.APP_ONLY.registrationId())) {
                LocalTokenStore.Held mine = local.current(registrationId);
                if (mine != null) {
                    write(mine).subscribe();
                }
            }
        });
    }

    @Override
    public void seed(OAuth2AuthorizedClient configured) {
        local.seed(configured);
        this.configured = configured;
        this.consent = cipher.fingerprint(configured.getRefreshToken().getTokenValue());
    }

    @Override
    public OAuth2AuthorizedClient held(String registrationId) {
        return local.held(registrationId);
    }

    @Override
    public Instant refreshTokenIssuedAt() {
        return local.refreshTokenIssuedAt();
    }

    private String key(String registrationId) {
        return redis.key("tokens", registrationId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
        return recordConsent()
                .then(redis.run(template -> template.opsForValue()
                        .get(key(registrationId))
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())))
                .flatMap(stored -> stored.isPresent()
                        ? adopt(registrationId, stored.get())
                        : writeAgain(registrationId)) // Redis lost it: this replica's copy is the best there is
                .then(local.loadAuthorizedClient(registrationId, principal))
                .map(client -> (T) client);
    }

    // Another replica's tokens, if they are newer than this replica's and not the ones Entra ID refused.
    private Mono<Void> adopt(String registrationId, String value) {
        int colon = value.indexOf(':');
        long rank = Long.parseLong(value.substring(0, colon));
        LocalTokenStore.Held mine = local.current(registrationId);
        if (mine != null && mine.rank() >= rank) {
            return Mono.empty();
        }
        String plain = cipher.decrypt(value.substring(colon + 1));
        if (plain == null) {
            return Mono.empty(); // written with another key: not this fleet's
        }
        Stored stored = json.readValue(plain, Stored.class);
        if (stored.refreshToken() != null && stored.refreshToken().equals(refused)) {
            return Mono.empty();
        }
        return registrations
                .findByRegistrationId(registrationId)
                .doOnNext(registration -> {
                    consent = stored.consent() != null ? stored.consent() : consent;
                    local.adopt(
                            client(registration, stored),
                            rank,
                            stored.refreshIssuedAt() != null ? Instant.ofEpochMilli(stored.refreshIssuedAt()) : null);
                })
                .then();
    }

    private static OAuth2AuthorizedClient client(ClientRegistration registration, Stored stored) {
        return new OAuth2AuthorizedClient(
                registration,
                registration.getRegistrationId(),
                new OAuth2AccessToken(
                        OAuth2AccessToken.TokenType.BEARER,
                        stored.accessToken(),
                        Instant.ofEpochMilli(stored.accessIssuedAt()),
                        Instant.ofEpochMilli(stored.accessExpiresAt()),
                        stored.scopes()),
                stored.refreshToken() == null
                        ? null
                        : new OAuth2RefreshToken(
                                stored.refreshToken(),
                                stored.refreshIssuedAt() != null
                                        ? Instant.ofEpochMilli(stored.refreshIssuedAt())
                                        : null));
    }

    private Mono<Void> writeAgain(String registrationId) {
        LocalTokenStore.Held mine = local.current(registrationId);
        return mine == null ? Mono.empty() : write(mine);
    }

    @Override
    public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
        return Mono.defer(() -> write(local.keep(client, clock.instant())));
    }

    private Mono<Void> write(LocalTokenStore.Held held) {
        OAuth2AuthorizedClient client = held.client();
        OAuth2AccessToken access = client.getAccessToken();
        OAuth2RefreshToken refresh = client.getRefreshToken();
        Stored stored = new Stored(
                access.getTokenValue(),
                access.getIssuedAt() != null ? access.getIssuedAt().toEpochMilli() : 0,
                access.getExpiresAt() != null ? access.getExpiresAt().toEpochMilli() : 0,
                access.getScopes(),
                refresh != null ? refresh.getTokenValue() : null,
                held.refreshIssuedAt() != null ? held.refreshIssuedAt().toEpochMilli() : null,
                consent);
        String value = held.rank() + ":" + cipher.encrypt(json.writeValueAsString(stored));
        return redis.run(template -> template.execute(
                                NEWER_WINS,
                                List.of(key(client.getClientRegistration().getRegistrationId())),
                                List.of(value, Long.toString(held.rank())))
                        .next())
                .then();
    }

    /**
     * Once Redis answers: a consent the fleet has never seen replaces the stored chain (an operator put a new
     * refresh token in the configuration); one seen before is older than the chain that grew from it.
     */
    private Mono<Void> recordConsent() {
        if (consentRecorded || configured == null) {
            return Mono.empty();
        }
        return redis.run(template -> template.opsForSet().add(redis.key("consents"), consent))
                .flatMap(added -> {
                    consentRecorded = true;
                    if (added == 0) {
                        return Mono.empty();
                    }
                    String registrationId = configured.getClientRegistration().getRegistrationId();
                    return redis.run(template -> template.hasKey(key(registrationId)))
                            .flatMap(chain -> chain
                                    // New to the fleet: it replaces the chain, ranked now so it wins over it.
                                    ? write(local.keep(configured, clock.instant()))
                                    // Nothing stored (a new fleet, or a Redis that lost everything): it starts
                                    // the chain, ranked lowest, so a running replica's newer copy still wins.
                                    : write(local.current(registrationId)));
                });
    }

    /**
     * Spring drops tokens Entra ID refused ({@code invalid_grant}): this replica forgets them, and takes the
     * stored ones again only if they are others (another replica's newer refresh token, a new consent). The
     * stored chain stays: a replica cannot tell a refused chain from one it holds an old copy of.
     */
    @Override
    public Mono<Void> removeAuthorizedClient(String registrationId, String principal) {
        return Mono.defer(() -> {
            OAuth2AuthorizedClient mine = local.held(registrationId);
            if (mine != null && mine.getRefreshToken() != null) {
                refused = mine.getRefreshToken().getTokenValue();
            }
            return local.removeAuthorizedClient(registrationId, principal);
        });
    }

    /** Holds the fleet's lock for the registration while {@code work} runs; waits for another replica's turn. */
    @Override
    public <T> Mono<T> oneAtATime(String registrationId, Mono<T> work) {
        String lock = redis.key("token-lock", registrationId);
        String owner = CorrelationId.newId();
        return redis.lock(lock, owner, lockFor)
                .flatMap(mine -> mine
                        ? work.doFinally(signal -> redis.unlock(lock, owner))
                        : untilFree(lock).then(work));
    }

    // Another replica is asking Entra ID: wait until it is done (its tokens are then stored), at most lockFor.
    private Mono<Void> untilFree(String lock) {
        return redis.locked(lock)
                .flatMap(taken -> taken ? Mono.error(new IllegalStateException("taken")) : Mono.<Void>empty())
                .retryWhen(Retry.fixedDelay(lockFor.toMillis() / POLL.toMillis(), POLL))
                .onErrorResume(stillTaken -> Mono.empty());
    }
}
