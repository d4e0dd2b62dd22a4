package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.upstream.CallsInFlight;
import com.contoso.partnercenter.bff.partnercenter.upstream.Connectors;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Entra ID tokens for Partner Center through Spring Security's OAuth2 client: App-only by client credentials,
 * App+User by the refresh token grant. A token is used until a minute before it expires, without asking
 * anyone; then one token request renews it (one per replica, and in fleet mode one per fleet), and a rotated
 * refresh token replaces the old one at once. Where the tokens are kept is the {@link TokenStore}'s.
 */
@Component
public final class EntraIdTokens {

    public static final String OPERATION_ATTRIBUTE = EntraIdTokens.class.getName() + ".operation";

    // The service acts for itself, so every token belongs to this one principal.
    private static final String PRINCIPAL = "partner-center-bff";
    // Spring Security's own margin: a token this close to its expiry is renewed first.
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    // A token sent now must still be valid when Partner Center reads it.
    private static final Duration IN_FLIGHT = Duration.ofSeconds(5);
    // The refresh token itself refused (expired, revoked consent): Spring forgets it, only a new consent helps.
    // Entra ID's interaction_required: the user must sign in again, with MFA (AADSTS50076, AADSTS50078).
    private static final Set<String> REFRESH_TOKEN_REFUSED = Set.of("invalid_grant", "interaction_required");
    // The app registration refused (a wrong or expired client secret, a removed permission): the refresh token
    // may be fine, and what to do is different.
    private static final Set<String> CLIENT_REFUSED = Set.of("invalid_client", "unauthorized_client", "invalid_scope");

    private final ReactiveOAuth2AuthorizedClientManager manager;
    private final TokenStore store;
    private final ConsentState consent;
    private final CallsInFlight<Operation.Grant, OAuth2AuthorizedClient> inFlight = new CallsInFlight<>();
    private final String scope;
    private final Duration timeout;
    private final Clock clock;
    private volatile Refusal refusal;

    /** Entra ID refused a token request: what it refused, why, and since when. */
    public record Refusal(Refused what, String reason, Instant since, OAuth2Error error) {}

    /** What Entra ID refused. */
    public enum Refused {
        /** The App+User refresh token (expired, revoked consent): a partner admin consents again. */
        REFRESH_TOKEN,
        /** The app's own credentials or permissions: the client id or secret, or the app registration. */
        CLIENT
    }

    // The token requests' WebClient is built from Boot's builder, so the HTTP client metrics and tracing stay attached.
    EntraIdTokens(
            PartnerCenterProperties properties,
            WebClient.Builder builder,
            TokenStore store,
            ConsentState consent,
            ClientAssertions assertions,
            Clock clock) {
        PartnerCenterProperties.Auth auth = properties.auth();
        WebClient tokenWebClient = builder.clone()
                .clientConnector(Connectors.connector(auth.timeout()))
                .build();
        this.store = store;
        this.consent = consent;
        this.scope = auth.scope();
        this.timeout = auth.timeout();
        this.clock = clock;

        // Spring refreshes only an authorized client it already holds, so the configured refresh token is
        // stored with an access token that has already expired: the first App+User call exchanges it.
        store.seed(new OAuth2AuthorizedClient(
                registration(auth, Operation.Grant.APP_USER, AuthorizationGrantType.REFRESH_TOKEN),
                PRINCIPAL,
                expired(scope),
                new OAuth2RefreshToken(auth.refreshToken(), null)));

        var clientCredentials = new WebClientReactiveClientCredentialsTokenResponseClient();
        clientCredentials.setWebClient(tokenWebClient);
        assertions.applyTo(clientCredentials);
        var refreshToken = new WebClientReactiveRefreshTokenTokenResponseClient();
        refreshToken.setWebClient(tokenWebClient);
        assertions.applyTo(refreshToken);
        var providers = ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(c -> c.accessTokenResponseClient(clientCredentials))
                .refreshToken(r -> r.accessTokenResponseClient(refreshToken))
                .build();
        var clientManager =
                new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations(auth), store);
        clientManager.setAuthorizedClientProvider(providers);
        this.manager = clientManager;
    }

    /** The service's two client registrations at Entra ID: App-only and App+User. */
    static ReactiveClientRegistrationRepository registrations(PartnerCenterProperties.Auth auth) {
        return new InMemoryReactiveClientRegistrationRepository(
                registration(auth, Operation.Grant.APP_ONLY, AuthorizationGrantType.CLIENT_CREDENTIALS),
                registration(auth, Operation.Grant.APP_USER, AuthorizationGrantType.REFRESH_TOKEN));
    }

    private static ClientRegistration registration(
            PartnerCenterProperties.Auth auth, Operation.Grant grant, AuthorizationGrantType type) {
        return ClientRegistration.withRegistrationId(grant.registrationId())
                .clientId(auth.clientId())
                .clientSecret(ClientAssertions.secret(auth))
                .clientAuthenticationMethod(ClientAssertions.method(auth))
                .authorizationGrantType(type)
                .scope(auth.scope())
                .tokenUri(auth.effectiveTokenUri().toString())
                .build();
    }

    /** Adds the bearer token of the grant the request's operation needs. */
    public ExchangeFilterFunction filter() {
        return (request, next) -> {
            Operation operation = (Operation) request.attribute(OPERATION_ATTRIBUTE)
                    .orElseThrow(() -> new IllegalStateException("Partner Center request without an operation"));
            Operation.Grant grant = operation.grant();
            return token(grant)
                    .onErrorMap(e -> PartnerCenterException.tokenUnavailable(operation, e))
                    // Empty when the refresh token was refused earlier and Spring dropped it: only new consent helps,
                    // and the portal is told why, as it was when Entra ID refused it.
                    .switchIfEmpty(Mono.error(() -> PartnerCenterException.tokenUnavailable(operation, lastRefusal())))
                    .flatMap(client -> next.exchange(ClientRequest.from(request)
                                    .headers(h -> h.setBearerAuth(
                                            client.getAccessToken().getTokenValue()))
                                    .build())
                            .flatMap(response -> response.statusCode().value() == 401
                                    ? unauthorized(grant, client, response)
                                    : Mono.just(response)));
        };
    }

    // Partner Center refused the token. Its MFA refusal (900421) is about the consent behind the refresh token, not
    // this access token: a new one would carry the same sign-in, so it is kept, or every App+User call would redeem
    // the refresh token (and Entra ID sees a client in a loop). Any other refusal forgets it. The body is read here
    // and handed on unchanged.
    private Mono<ClientResponse> unauthorized(
            Operation.Grant grant, OAuth2AuthorizedClient client, ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> {
            boolean mfa = ConsentNeeded.PARTNER_CENTER_MFA_CODE.equals(
                    UpstreamError.parse(JsonMapper.shared(), body).code());
            return (mfa ? Mono.<Void>empty() : forget(grant, client))
                    .thenReturn(response.mutate().body(body).build());
        });
    }

    /** The grant's token: the one held while it is good, else one token request however many calls need it. */
    Mono<OAuth2AuthorizedClient> token(Operation.Grant grant) {
        return Mono.defer(() -> {
            OAuth2AuthorizedClient held = store.held(grant.registrationId());
            if (held != null && stillGood(held.getAccessToken())) {
                return Mono.just(held);
            }
            // Cut off from the fleet (Redis failing over), a renewal would be this replica's alone and fork the
            // chain: the token is used for as long as it is really valid, not only outside Spring's margin.
            if (held != null && store.cutOff() && notExpired(held.getAccessToken())) {
                return Mono.just(held);
            }
            return renewed(grant);
        });
    }

    private boolean notExpired(OAuth2AccessToken token) {
        return token.getExpiresAt() != null
                && token.getExpiresAt().isAfter(clock.instant().plus(IN_FLIGHT));
    }

    private boolean stillGood(OAuth2AccessToken token) {
        return token.getExpiresAt() != null
                && token.getExpiresAt().isAfter(clock.instant().plus(CLOCK_SKEW));
    }

    /**
     * One token request for all the calls that need it now: concurrent refreshes with the same refresh token
     * would race each other's rotation. In fleet mode the store makes it one request for the whole fleet.
     */
    private Mono<OAuth2AuthorizedClient> renewed(Operation.Grant grant) {
        return oneAtATime(grant, authorize(grant));
    }

    // The replica's one token request of the grant: whoever needs it meanwhile gets its answer. In fleet mode, the
    // store makes it the fleet's one token request.
    private Mono<OAuth2AuthorizedClient> oneAtATime(Operation.Grant grant, Mono<OAuth2AuthorizedClient> work) {
        return Mono.deferContextual(
                context -> inFlight.join(grant, () -> store.oneAtATime(grant.registrationId(), work), context));
    }

    private Mono<OAuth2AuthorizedClient> authorize(Operation.Grant grant) {
        OAuth2AuthorizeRequest authorize = OAuth2AuthorizeRequest.withClientRegistrationId(grant.registrationId())
                .principal(PRINCIPAL)
                // Entra ID wants the scope on the refresh token grant too.
                .attribute(OAuth2ParameterNames.SCOPE, scope)
                .build();
        // A hard limit for the whole token request, connection and TLS handshake included.
        Mono<OAuth2AuthorizedClient> once = manager.authorize(authorize).timeout(timeout);
        return once
                // Refused: Spring forgot that refresh token. The store may have another (a newer one another replica
                // obtained, a new consent): one more try; with nothing else, the refusal stands.
                .onErrorResume(
                        failure -> failure instanceof OAuth2AuthorizationException e
                                && "invalid_grant".equals(e.getError().getErrorCode()),
                        refused -> once.switchIfEmpty(Mono.error(refused)))
                .doOnNext(client -> {
                    if (grant == Operation.Grant.APP_USER) {
                        consent.tokenGiven();
                    }
                    Refusal last = refusal;
                    // A token came: whatever was refused for this grant is not any more.
                    if (last != null && (grant == Operation.Grant.APP_USER || last.what() == Refused.CLIENT)) {
                        refusal = null;
                    }
                })
                .doOnError(failure -> {
                    Refused what = refused(failure);
                    if (what == Refused.CLIENT
                            || (what == Refused.REFRESH_TOKEN && grant == Operation.Grant.APP_USER)) {
                        var error = ((OAuth2AuthorizationException) failure).getError();
                        refusal = new Refusal(
                                what,
                                error.getErrorCode()
                                        + (error.getDescription() != null ? ": " + error.getDescription() : ""),
                                clock.instant(),
                                error);
                        ConsentNeeded reason = what == Refused.REFRESH_TOKEN
                                ? ConsentNeeded.ofEntraId(error.getErrorCode(), error.getDescription())
                                : null;
                        if (reason != null) {
                            consent.required(reason, ConsentNeeded.entraIdCode(error.getDescription()), null);
                        }
                    }
                });
    }

    /** What Entra ID refused, or null when the failure is not a refusal (a timeout, a 5xx). */
    private static Refused refused(Throwable failure) {
        if (!(failure instanceof OAuth2AuthorizationException e)) {
            return null;
        }
        String code = e.getError().getErrorCode();
        return REFRESH_TOKEN_REFUSED.contains(code)
                ? Refused.REFRESH_TOKEN
                : CLIENT_REFUSED.contains(code) ? Refused.CLIENT : null;
    }

    /**
     * Redeems the App+User refresh token when the newest one is older than {@code olderThan} (or of unknown age),
     * so a quiet service does not let it lapse; in fleet mode, one replica for the fleet. It is the replica's one
     * token request of the grant like any other: calls that need a token meanwhile wait for its answer, and one
     * already asking makes this one wait, so one refresh token is never redeemed twice.
     */
    public Mono<Void> keepAlive(Duration olderThan) {
        String registrationId = Operation.Grant.APP_USER.registrationId();
        return oneAtATime(
                        Operation.Grant.APP_USER,
                        store.loadAuthorizedClient(registrationId, PRINCIPAL)
                                .flatMap(newest -> {
                                    Instant issuedAt = store.refreshTokenIssuedAt();
                                    boolean due = issuedAt == null
                                            || !issuedAt.isAfter(clock.instant().minus(olderThan));
                                    // Not due (redeemed lately, here or on another replica): the current token, as
                                    // any call asking now would get it.
                                    return due
                                            ? store.saveAuthorizedClient(expiredCopy(newest), principal())
                                            : Mono.<Void>empty();
                                })
                                .then(authorize(Operation.Grant.APP_USER)))
                .then();
    }

    /** When the newest App+User refresh token was issued; {@code null} while nobody knows. */
    public Instant refreshTokenIssuedAt() {
        return store.refreshTokenIssuedAt();
    }

    // What Entra ID refused last, here or (in fleet mode, where the chain is shared) on the replica that saw it.
    private Throwable lastRefusal() {
        Refusal last = refusal();
        if (last != null) {
            return new OAuth2AuthorizationException(last.error());
        }
        ConsentState.Required required = consent.current();
        if (required == null || required.byPartnerCenter()) {
            return null;
        }
        String error = required.reason() == ConsentNeeded.MFA_REQUIRED ? "interaction_required" : "invalid_grant";
        return new OAuth2AuthorizationException(new OAuth2Error(error, required.code(), null));
    }

    /**
     * Entra ID's last refusal (of the refresh token or of the app), until a token comes again; else {@code null}. A
     * refused refresh token is over once the consent works again anywhere in the fleet.
     */
    public Refusal refusal() {
        Refusal last = refusal;
        if (last != null && last.what() == Refused.REFRESH_TOKEN && consent.current() == null) {
            return null;
        }
        return last;
    }

    // Partner Center refused the token (revoked consent, a claims challenge): don't send it again. The refresh
    // token stays: the next call renews the access token, here and, in fleet mode, on every replica. Only while
    // that token is still the one held: a newer one (and the refresh token that came with it) is not undone.
    private Mono<Void> forget(Operation.Grant grant, OAuth2AuthorizedClient used) {
        return Mono.defer(() -> {
            OAuth2AuthorizedClient held = store.held(grant.registrationId());
            if (held == null
                    || !held.getAccessToken()
                            .getTokenValue()
                            .equals(used.getAccessToken().getTokenValue())) {
                return Mono.empty();
            }
            return store.saveAuthorizedClient(expiredCopy(held), principal());
        });
    }

    private OAuth2AuthorizedClient expiredCopy(OAuth2AuthorizedClient client) {
        return new OAuth2AuthorizedClient(
                client.getClientRegistration(), PRINCIPAL, expired(scope), client.getRefreshToken());
    }

    private static UsernamePasswordAuthenticationToken principal() {
        return UsernamePasswordAuthenticationToken.unauthenticated(PRINCIPAL, null);
    }

    private static OAuth2AccessToken expired(String scope) {
        return new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, "none", Instant.EPOCH, Instant.EPOCH.plusSeconds(1), Set.of(scope));
    }
}
