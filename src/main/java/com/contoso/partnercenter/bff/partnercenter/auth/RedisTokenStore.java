package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet's tokens in Redis, encrypted (AES-256-GCM): one refresh-token chain and its access tokens for all
 * replicas, so the fleet asks Entra ID for a token once an hour, not once per replica, and a replica started
 * long after the consent uses the chain's newest refresh token, not the configured one.
 *
 * <ul>
 *   <li><b>Compare and set.</b> The stored tokens carry a version that Redis counts, not a clock: a replica's
 *       write replaces the version it last saw, or nothing; an older chain never replaces a newer one.
 *   <li><b>One refresh at a time.</b> A replica redeems the refresh token under a short lock; the others wait,
 *       take the lock in turn and find its new tokens. So no call fails because another replica rotated the
 *       token, even against an issuer that accepts only the newest refresh token.
 *   <li><b>A new consent wins.</b> A configured refresh token the fleet has never seen (its HMAC is recorded,
 *       never the token) replaces the stored chain, in one step with recording it; one seen before is an older
 *       pod's, and the chain wins.
 *   <li><b>Redis lost the tokens</b> (restarted empty): a replica that looks writes its own again, with the
 *       consents it knows, so a configured token (version 0, a seed) never replaces a chain that was redeemed.
 *   <li><b>Redis away, or a value it holds unreadable:</b> each replica goes on with its own copy.
 * </ul>
 */
public final class RedisTokenStore implements TokenStore {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenStore.class);

    // Written when the stored tokens are the version this write replaces, an older one (Redis lost the later
    // write: a failover promoted a replica that had not received it), a seed (version 0: a configured token nobody
    // redeemed) or gone (Redis lost them). Returns the new version; 0 when another replica's later tokens
    // are stored.
    private static final FleetRedis.Script COMPARE_AND_SET = FleetRedis.script("""
            local current = redis.call('GET', KEYS[1])
            local version = 0
            if current then version = tonumber(string.match(current, '^(%d+):')) or 0 end
            if current and version ~= 0 and version > tonumber(ARGV[2]) then return 0 end
            local next = math.max(version, tonumber(ARGV[2])) + 1
            redis.call('SET', KEYS[1], next .. ':' .. ARGV[1])
            return next
            """);
    // A configured token, recorded as seen and, when it is new to the fleet, stored in the same step: over the
    // chain (the next version) or, with none, as a seed. Returns -1 when the fleet had seen it, else its version.
    private static final FleetRedis.Script CONSENT = FleetRedis.script("""
            if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return -1 end
            local current = redis.call('GET', KEYS[1])
            if not current then
              redis.call('SET', KEYS[1], '0:' .. ARGV[1])
              return 0
            end
            local version = (tonumber(string.match(current, '^(%d+):')) or 0) + 1
            redis.call('SET', KEYS[1], version .. ':' .. ARGV[1])
            return version
            """);
    private static final String TOKENS = "tokens";

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
    private final Duration failoverWait;
    private volatile OAuth2AuthorizedClient configured;
    private volatile String configuredConsent;
    private volatile String consent;
    private volatile boolean consentRecorded;
    private volatile String refused;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    // The registrations whose tokens this replica could not store (Redis away).
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();

    /**
     * @param lockFor the longest one token request may hold the fleet's lock (a refused token request is tried
     *     twice, with Redis around it): a replica that died with it does not hold the others for longer.
     * @param failoverWait how long a token request waits for a Redis that was just lost to come back (a Sentinel
     *     failover) before this replica asks Entra ID alone.
     */
    public RedisTokenStore(
            FleetRedis redis,
            TokenCipher cipher,
            ReactiveClientRegistrationRepository registrations,
            JsonMapper json,
            Clock clock,
            Duration lockFor,
            Duration failoverWait) {
        this.local = new LocalTokenStore(clock);
        this.redis = redis;
        this.cipher = cipher;
        this.registrations = registrations;
        this.json = json;
        this.clock = clock;
        this.lockFor = lockFor;
        this.failoverWait = failoverWait;
        // Redis may have lost everything (restarted empty): this replica's tokens go back in, and the consents it
        // knows are recorded again as seen, so none of them counts as new after the loss. Or Redis failed over:
        // tokens this replica could not store meanwhile go in; the others' are not written again, since a second
        // copy of the stored chain under a new version would count as newer than a rotation written meanwhile.
        redis.onRecovery(() -> Flux.just(
                        Operation.Grant.APP_USER.registrationId(), Operation.Grant.APP_ONLY.registrationId())
                .concatMap(registrationId -> redis.find(key(registrationId))
                        .flatMap(stored -> stored.isEmpty() || unsaved.contains(registrationId)
                                ? writeAgain(registrationId)
                                : Mono.<Void>empty()))
                .then());
    }

    @Override
    public void seed(OAuth2AuthorizedClient configured) {
        local.seed(configured);
        this.configured = configured;
        this.configuredConsent = cipher.fingerprint(configured.getRefreshToken().getTokenValue());
        this.consent = configuredConsent;
    }

    @Override
    public OAuth2AuthorizedClient held(String registrationId) {
        return local.held(registrationId);
    }

    @Override
    public Instant refreshTokenIssuedAt() {
        return local.refreshTokenIssuedAt();
    }

    // One group for the chains, the consents and the locks: the consent script touches a chain and the consents.
    private String key(String registrationId) {
        return redis.key(TOKENS, registrationId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
        return recordConsent()
                .then(redis.find(key(registrationId)))
                .flatMap(stored -> stored.map(value -> adopt(registrationId, value))
                        // Redis lost them: this replica's copy is the best there is.
                        .orElseGet(() -> writeAgain(registrationId)))
                .then(local.loadAuthorizedClient(registrationId, principal))
                .map(client -> (T) client);
    }

    // Another replica's tokens, if they are a later version than this replica's and not the ones Entra ID refused.
    private Mono<Void> adopt(String registrationId, String value) {
        Versioned stored = read(value);
        LocalTokenStore.Held mine = local.current(registrationId);
        if (stored == null) {
            return writeAgain(registrationId); // unreadable: not this fleet's, or from a version of it gone by
        }
        if (stored.version() == 0 && mine != null && mine.client() != configured) {
            return writeAgain(registrationId); // a configured token over a lost chain: this replica's is newer
        }
        if (mine != null && version(registrationId) > stored.version()) {
            return writeAgain(registrationId); // Redis lost this replica's later tokens (a failover): back they go
        }
        if (mine != null && version(registrationId) == stored.version()) {
            return Mono.empty();
        }
        if (stored.tokens().refreshToken() != null
                && stored.tokens().refreshToken().equals(refused)) {
            return Mono.empty();
        }
        return registrations
                .findByRegistrationId(registrationId)
                .doOnNext(registration -> {
                    consent =
                            stored.tokens().consent() != null ? stored.tokens().consent() : consent;
                    Instant refreshIssuedAt = stored.tokens().refreshIssuedAt() != null
                            ? Instant.ofEpochMilli(stored.tokens().refreshIssuedAt())
                            : null;
                    // Two loads may adopt at once: the later version wins.
                    synchronized (versions) {
                        if (version(registrationId) < stored.version() || local.current(registrationId) == null) {
                            local.adopt(client(registration, stored.tokens()), refreshIssuedAt);
                            versions.put(registrationId, stored.version());
                        }
                    }
                })
                .then();
    }

    private record Versioned(long version, Stored tokens) {}

    /**
     * The version of the fleet's stored tokens this replica's copy is, or grew from: the version its next write
     * replaces; 0 for a configured token nobody redeemed yet.
     */
    private long version(String registrationId) {
        return versions.getOrDefault(registrationId, 0L);
    }

    /** The fleet's store holds {@code client} at {@code version} now, if it is still this replica's copy. */
    private void stored(OAuth2AuthorizedClient client, long version) {
        String registrationId = registrationId(client);
        synchronized (versions) {
            if (local.held(registrationId) == client) {
                versions.put(registrationId, version);
            }
        }
    }

    private static String registrationId(OAuth2AuthorizedClient client) {
        return client.getClientRegistration().getRegistrationId();
    }

    /** The stored value, or null when this replica cannot read it (another key, another format). */
    private Versioned read(String value) {
        try {
            int colon = value.indexOf(':');
            long version = Long.parseLong(value.substring(0, colon));
            String plain = cipher.decrypt(value.substring(colon + 1));
            return plain == null ? null : new Versioned(version, json.readValue(plain, Stored.class));
        } catch (RuntimeException unreadable) {
            log.warn(
                    "The fleet's stored tokens could not be read ({}): this replica writes its own",
                    unreadable.getClass().getSimpleName());
            return null;
        }
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

    // This replica's tokens back into a store that lost them (or holds only a configured token), with the consents
    // it knows as seen. A configured token nobody redeemed here is left to recordConsent.
    private Mono<Void> writeAgain(String registrationId) {
        LocalTokenStore.Held mine = local.current(registrationId);
        if (mine == null || mine.client() == configured) {
            return Mono.empty();
        }
        return redis.addToSet(redis.key(TOKENS, "consents"), configuredConsent, consent)
                .then(write(mine));
    }

    @Override
    public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
        return Mono.defer(() -> write(local.keep(client, clock.instant())));
    }

    private Mono<Void> write(LocalTokenStore.Held held) {
        OAuth2AuthorizedClient client = held.client();
        return redis.eval(
                        COMPARE_AND_SET,
                        List.of(key(registrationId(client))),
                        List.of(payload(held), Long.toString(version(registrationId(client)))))
                // 0: another replica's later tokens are stored; this replica takes them at its next look.
                .doOnNext(version -> {
                    unsaved.remove(registrationId(client));
                    if (version > 0) {
                        stored(client, version);
                    }
                })
                // No answer (Redis away): written once it is back.
                .switchIfEmpty(Mono.fromRunnable(() -> unsaved.add(registrationId(client))))
                .then();
    }

    private String payload(LocalTokenStore.Held held) {
        OAuth2AccessToken access = held.client().getAccessToken();
        OAuth2RefreshToken refresh = held.client().getRefreshToken();
        Stored stored = new Stored(
                access.getTokenValue(),
                access.getIssuedAt() != null ? access.getIssuedAt().toEpochMilli() : 0,
                access.getExpiresAt() != null ? access.getExpiresAt().toEpochMilli() : 0,
                access.getScopes(),
                refresh != null ? refresh.getTokenValue() : null,
                held.refreshIssuedAt() != null ? held.refreshIssuedAt().toEpochMilli() : null,
                consent);
        return cipher.encrypt(json.writeValueAsString(stored));
    }

    /**
     * Once Redis answers: a consent the fleet has never seen replaces the stored chain (an operator put a new
     * refresh token in the configuration); one seen before is older than the chain that grew from it. Recorded
     * and stored in one step, so a consent is never recorded as seen without being stored.
     */
    private Mono<Void> recordConsent() {
        OAuth2AuthorizedClient seed = configured;
        if (consentRecorded || seed == null) {
            return Mono.empty();
        }
        String registrationId = seed.getClientRegistration().getRegistrationId();
        LocalTokenStore.Held mine = local.current(registrationId);
        if (mine == null || mine.client() != seed) {
            consentRecorded = true; // this replica has redeemed or adopted since: its configured token is old news
            return Mono.empty();
        }
        return redis.eval(
                        CONSENT,
                        List.of(key(registrationId), redis.key(TOKENS, "consents")),
                        List.of(payload(mine), configuredConsent))
                .doOnNext(version -> {
                    consentRecorded = true;
                    if (version >= 0) {
                        stored(seed, version);
                    }
                })
                .then();
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

    /**
     * Holds the fleet's lock for the registration while {@code work} runs. Another replica holding it: wait until
     * it is done, then take it in turn (the work then finds that replica's new tokens). A lock that stays taken
     * past a few turns (Redis in trouble) no longer holds this replica back.
     */
    @Override
    public <T> Mono<T> oneAtATime(String registrationId, Mono<T> work) {
        // Redis away, or not answering the lock, may be a failover: waited out, briefly, rather than forking the
        // chain alone.
        return Mono.defer(() -> redis.inTurn(new FleetRedis.Turn<>(
                redis.key(TOKENS, "lock", registrationId),
                lockFor,
                clock.instant().plus(lockFor),
                failoverWait,
                Mono.empty(),
                work,
                work)));
    }

    @Override
    public boolean cutOff() {
        return redis.isAway();
    }
}
