package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the service's Entra ID tokens are kept, as Spring Security's OAuth2 client loads and saves them: this
 * replica's copy for every call, and the fleet's state behind it, encrypted (AES-256-GCM), so that in fleet mode
 * the replicas share one refresh-token chain and its access tokens. The fleet then asks Entra ID for a token once
 * an hour, not once per replica, and a replica started long after the consent uses the chain's newest refresh
 * token, not the configured one. Alone, the state is this replica's memory, and every rule below holds the same.
 *
 * <ul>
 *   <li><b>Compare and set.</b> The stored tokens carry a version that the state counts, not a clock: a
 *       replica's write replaces the version it last saw, or nothing; an older chain never replaces a newer one.
 *   <li><b>One refresh at a time.</b> A replica redeems the refresh token under a short lock; the others wait,
 *       take the lock in turn and find its new tokens. So no call fails because another replica rotated the
 *       token, even against an issuer that accepts only the newest refresh token.
 *   <li><b>A new consent wins.</b> A configured refresh token the fleet has never seen (its HMAC is recorded,
 *       never the token) replaces the stored chain, in one step with recording it; one seen before is an older
 *       pod's, and the chain wins.
 *   <li><b>The state lost the tokens</b> (Redis restarted empty): a replica that looks writes its own again,
 *       with the consents it knows, so a configured token (provisional, a seed) never replaces a redeemed chain.
 *   <li><b>The state away, or a value it holds unreadable:</b> each replica goes on with its own copy.
 * </ul>
 */
@Component
public final class TokenStore implements ReactiveOAuth2AuthorizedClientService {

    private static final Logger log = LoggerFactory.getLogger(TokenStore.class);

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

    private final HeldTokens local;
    private final FleetState state;
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
    // Where a replica that installed a renewed consent tells the others.
    private final String renewals;
    // The registrations whose tokens this replica could not store (Redis away).
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();

    TokenStore(FleetState state, TokenCipher cipher, PartnerCenterProperties properties, JsonMapper json, Clock clock) {
        this.local = new HeldTokens();
        this.state = state;
        this.cipher = cipher;
        this.registrations = EntraIdTokens.registrations(properties.auth());
        this.json = json;
        this.clock = clock;
        // The longest one token request may hold the fleet's lock: a refused token request is tried once more under
        // the same lock, with the state read around it. A replica that died with it does not hold the others longer.
        this.lockFor = properties.auth().timeout().multipliedBy(2).plusSeconds(2);
        // How long a token request waits for a Redis that was just lost to come back (a Sentinel failover) before
        // this replica asks Entra ID alone.
        this.failoverWait = properties.fleet().failoverWait();
        this.renewals = state.channel("consent-renewed");
        state.listen(renewals).subscribe(this::renewedElsewhere, failure -> {});
        // Redis may have lost everything (restarted empty): this replica's tokens go back in, and the consents it
        // knows are recorded again as seen, so none of them counts as new after the loss. Or Redis failed over:
        // tokens this replica could not store meanwhile go in; the others' are not written again, since a second
        // copy of the stored chain under a new version would count as newer than a rotation written meanwhile.
        state.onRecovery(() -> Flux.just(
                        Operation.Grant.APP_USER.registrationId(), Operation.Grant.APP_ONLY.registrationId())
                .concatMap(registrationId -> state.findVersioned(key(registrationId))
                        .flatMap(stored -> stored.isEmpty() || unsaved.contains(registrationId)
                                ? writeAgain(registrationId)
                                : Mono.<Void>empty()))
                .then());
    }

    /** The configured tokens to start from: the refresh token from the consent, with no access token yet. */
    public void seed(OAuth2AuthorizedClient configured) {
        local.seed(configured);
        this.configured = configured;
        this.configuredConsent = cipher.fingerprint(configured.getRefreshToken().getTokenValue());
        this.consent = configuredConsent;
    }

    /** This replica's copy of the registration's tokens, asking nobody: what every call uses while it is good. */
    public OAuth2AuthorizedClient held(String registrationId) {
        return local.held(registrationId);
    }

    /** When the newest App+User refresh token was issued; {@code null} while nobody knows (the configured one). */
    public Instant refreshTokenIssuedAt() {
        return local.refreshTokenIssuedAt();
    }

    // One group for the chains, the consents and the locks: the consent script touches a chain and the consents.
    private String key(String registrationId) {
        return state.key(TOKENS, registrationId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(String registrationId, String principal) {
        return recordConsent()
                .then(state.findVersioned(key(registrationId)))
                .flatMap(stored -> stored.map(value -> adopt(registrationId, value))
                        // The state lost them: this replica's copy is the best there is.
                        .orElseGet(() -> writeAgain(registrationId)))
                .then(Mono.fromSupplier(() -> (T) local.held(registrationId)));
    }

    // Another replica's tokens, if they are a later version than this replica's and not the ones Entra ID refused.
    private Mono<Void> adopt(String registrationId, FleetState.Versioned value) {
        Read stored = read(value);
        HeldTokens.Held mine = local.current(registrationId);
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

    private record Read(long version, Stored tokens) {}

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
    private Read read(FleetState.Versioned value) {
        try {
            String plain = cipher.decrypt(value.value());
            return plain == null ? null : new Read(value.version(), json.readValue(plain, Stored.class));
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
        HeldTokens.Held mine = local.current(registrationId);
        if (mine == null || mine.client() == configured) {
            return Mono.empty();
        }
        return state.addToSet(state.key(TOKENS, "consents"), configuredConsent, consent)
                .then(write(mine));
    }

    @Override
    public Mono<Void> saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
        return Mono.defer(() -> write(local.keep(client, clock.instant())));
    }

    private Mono<Void> write(HeldTokens.Held held) {
        OAuth2AuthorizedClient client = held.client();
        return state.compareAndSet(key(registrationId(client)), payload(held), version(registrationId(client)))
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

    private String payload(HeldTokens.Held held) {
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
        HeldTokens.Held mine = local.current(registrationId);
        if (mine == null || mine.client() != seed) {
            consentRecorded = true; // this replica has redeemed or adopted since: its configured token is old news
            return Mono.empty();
        }
        return state.putIfFirstSeen(
                        key(registrationId), payload(mine), state.key(TOKENS, "consents"), configuredConsent)
                .doOnNext(version -> {
                    consentRecorded = true;
                    if (version >= 0) {
                        stored(seed, version);
                    }
                })
                .then();
    }

    /**
     * A consent renewed in the service (the consent page), proven on Partner Center: its tokens become the App+User
     * chain, as a consent the fleet has never seen, so the stored chain is replaced in one step with recording it;
     * every replica is told to drop the access token it holds and take the new chain at its next call. Completes once
     * stored (or, the state away, kept by this replica alone).
     */
    public Mono<Void> consentRenewed(OAuth2AccessToken accessToken, OAuth2RefreshToken refreshToken) {
        String registrationId = Operation.Grant.APP_USER.registrationId();
        return registrations.findByRegistrationId(registrationId).flatMap(registration -> {
            var client = new OAuth2AuthorizedClient(registration, registrationId, accessToken, refreshToken);
            String renewed = cipher.fingerprint(refreshToken.getTokenValue());
            consent = renewed;
            refused = null;
            HeldTokens.Held held = local.keep(client, clock.instant());
            return state.putIfFirstSeen(key(registrationId), payload(held), state.key(TOKENS, "consents"), renewed)
                    .doOnNext(version -> {
                        unsaved.remove(registrationId);
                        if (version > 0) {
                            stored(client, version);
                        }
                    })
                    .switchIfEmpty(Mono.fromRunnable(() -> unsaved.add(registrationId)))
                    .then(state.publish(renewals, renewed).onErrorResume(e -> Mono.empty()))
                    .then();
        });
    }

    // Another replica installed a renewed consent: the access token held here is the old consent's, so it goes, and
    // the next call takes the stored chain.
    private void renewedElsewhere(String renewed) {
        if (!renewed.equals(consent)) {
            local.remove(Operation.Grant.APP_USER.registrationId());
        }
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
            local.remove(registrationId);
            return Mono.<Void>empty();
        });
    }

    /**
     * Runs {@code work} (a token request) while no other replica of the fleet runs one for the registration:
     * holds the fleet's lock for the registration while {@code work} runs. Another replica holding it: wait until
     * it is done, then take it in turn (the work then finds that replica's new tokens). A lock that stays taken
     * past a few turns (Redis in trouble) no longer holds this replica back.
     */
    public <T> Mono<T> oneAtATime(String registrationId, Mono<T> work) {
        // Redis away, or not answering the lock, may be a failover: waited out, briefly, rather than forking the
        // chain alone.
        return Mono.defer(() -> state.inTurn(new FleetState.Turn<>(
                state.key(TOKENS, "lock", registrationId),
                lockFor,
                clock.instant().plus(lockFor),
                failoverWait,
                Mono.empty(),
                work,
                work)));
    }

    /**
     * Whether this replica, one of a fleet, cannot reach the fleet's state now (Redis away, or failing over): a
     * token request now would be its alone, and would fork the fleet's refresh-token chain.
     */
    public boolean cutOff() {
        return state.isAway();
    }
}
