package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Entra ID tokens for Partner Center through Spring Security's OAuth2 client: App-only by client
 * credentials, App+User by the refresh token grant. Spring caches each token until a minute before it
 * expires and, when Entra ID rotates the refresh token, keeps the new one for the next refresh.
 */
public final class EntraIdTokens {

    public static final String OPERATION_ATTRIBUTE = EntraIdTokens.class.getName() + ".operation";

    // The service acts for itself, so every token belongs to this one principal.
    private static final String PRINCIPAL = "partner-center-bff";

    private final ReactiveOAuth2AuthorizedClientManager manager;
    private final InMemoryReactiveOAuth2AuthorizedClientService authorizedClients;
    private final Map<Operation.Grant, CompletableFuture<OAuth2AuthorizedClient>> inFlight = new ConcurrentHashMap<>();
    private final String scope;
    private final Duration timeout;

    public EntraIdTokens(AuthProperties auth, WebClient tokenWebClient) {
        ClientRegistration appOnly =
                registration(auth, Operation.Grant.APP_ONLY, AuthorizationGrantType.CLIENT_CREDENTIALS);
        ClientRegistration appUser = registration(auth, Operation.Grant.APP_USER, AuthorizationGrantType.REFRESH_TOKEN);
        var registrations = new InMemoryReactiveClientRegistrationRepository(appOnly, appUser);
        this.authorizedClients = new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
        this.scope = auth.scope();
        this.timeout = auth.timeout();

        // Spring refreshes only an authorized client it already holds, so the configured refresh token is
        // stored with an access token that has already expired: the first App+User call exchanges it.
        authorizedClients
                .saveAuthorizedClient(
                        new OAuth2AuthorizedClient(
                                appUser, PRINCIPAL, expired(scope), new OAuth2RefreshToken(auth.refreshToken(), null)),
                        UsernamePasswordAuthenticationToken.unauthenticated(PRINCIPAL, null))
                .block();

        var clientCredentials = new WebClientReactiveClientCredentialsTokenResponseClient();
        clientCredentials.setWebClient(tokenWebClient);
        var refreshToken = new WebClientReactiveRefreshTokenTokenResponseClient();
        refreshToken.setWebClient(tokenWebClient);
        var providers = ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(c -> c.accessTokenResponseClient(clientCredentials))
                .refreshToken(r -> r.accessTokenResponseClient(refreshToken))
                .build();
        var clientManager =
                new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, authorizedClients);
        clientManager.setAuthorizedClientProvider(providers);
        this.manager = clientManager;
    }

    private static ClientRegistration registration(
            AuthProperties auth, Operation.Grant grant, AuthorizationGrantType type) {
        return ClientRegistration.withRegistrationId(grant.registrationId())
                .clientId(auth.clientId())
                .clientSecret(auth.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
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
                    // Empty when the refresh token was rejected earlier and Spring dropped it: only new consent helps.
                    .switchIfEmpty(Mono.error(() -> PartnerCenterException.tokenUnavailable(operation, null)))
                    .flatMap(client -> next.exchange(ClientRequest.from(request)
                                    .headers(h -> h.setBearerAuth(
                                            client.getAccessToken().getTokenValue()))
                                    .build())
                            .flatMap(response -> response.statusCode().value() == 401
                                    ? forget(grant, client).thenReturn(response)
                                    : Mono.just(response)));
        };
    }

    /**
     * The cached token, or one new token request however many calls need it at once: concurrent refreshes
     * with the same refresh token would race each other's rotation.
     */
    private Mono<OAuth2AuthorizedClient> token(Operation.Grant grant) {
        return Mono.defer(() -> {
            var created = new CompletableFuture<OAuth2AuthorizedClient>();
            CompletableFuture<OAuth2AuthorizedClient> running = inFlight.putIfAbsent(grant, created);
            if (running != null) {
                return Mono.fromFuture(running, true);
            }
            OAuth2AuthorizeRequest authorize = OAuth2AuthorizeRequest.withClientRegistrationId(grant.registrationId())
                    .principal(PRINCIPAL)
                    // Entra ID wants the scope on the refresh token grant too.
                    .attribute(OAuth2ParameterNames.SCOPE, scope)
                    .build();
            manager.authorize(authorize)
                    // A hard limit for the whole token request, connection and TLS handshake included.
                    .timeout(timeout)
                    .doFinally(signal -> inFlight.remove(grant, created))
                    .subscribe(created::complete, created::completeExceptionally, () -> created.complete(null));
            return Mono.fromFuture(created, true);
        });
    }

    // Partner Center refused the token (revoked consent, a claims challenge): don't send it again for an hour.
    private Mono<Void> forget(Operation.Grant grant, OAuth2AuthorizedClient client) {
        if (grant == Operation.Grant.APP_ONLY) {
            return authorizedClients.removeAuthorizedClient(grant.registrationId(), PRINCIPAL);
        }
        // Keep the refresh token, drop the access token: the next call refreshes.
        return authorizedClients.saveAuthorizedClient(
                new OAuth2AuthorizedClient(
                        client.getClientRegistration(), PRINCIPAL, expired(scope), client.getRefreshToken()),
                UsernamePasswordAuthenticationToken.unauthenticated(PRINCIPAL, null));
    }

    private static OAuth2AccessToken expired(String scope) {
        return new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, "none", Instant.EPOCH, Instant.EPOCH.plusSeconds(1), Set.of(scope));
    }
}
