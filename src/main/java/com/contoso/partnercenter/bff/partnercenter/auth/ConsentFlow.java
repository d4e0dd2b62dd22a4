package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.upstream.Connectors;
import com.contoso.partnercenter.bff.partnercenter.upstream.RequestContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consent renewed in the service: the authorization code flow of Entra ID, with Spring Security's OAuth2
 * client for its parts (the authorization request with PKCE, the code's token response client with the service's
 * client authentication, the ID token's decoder and validators), and the fleet's state for what the flow must
 * remember between the browser leaving and coming back, so the callback may reach any replica and a {@code state}
 * works once across the fleet.
 *
 * <p>A renewal wins only when every check passed: the {@code state} known, unused and this browser's; the code
 * exchanged; the ID token signed by Entra ID, for this client and nonce, of the partner's tenant; the user allowed;
 * and Partner Center judging the new token's sign-in MFA-compliant. Any other outcome changes nothing.
 */
@Component
public final class ConsentFlow {

    static final String REGISTRATION_ID = "partner-center-consent";
    static final List<String> SCOPES =
            List.of("https://api.partnercenter.microsoft.com/user_impersonation", "offline_access", "openid");
    // How long a browser may take between leaving for Entra ID and coming back.
    static final Duration PENDING_FOR = Duration.ofMinutes(10);
    private static final String USED = "used";

    /** Where a renewal ended: 200 renewed, or why not, with the page's status. */
    public enum Outcome {
        RENEWED(200, "renewed", "The consent was renewed."),
        STATE_MISSING(400, "state-missing", "The answer from Entra ID carries no state: start again from the page."),
        STATE_UNKNOWN(
                400,
                "state-unknown",
                "This sign-in is unknown or took longer than 10 minutes: start again from the page."),
        STATE_USED(400, "state-used", "This sign-in was already used once: start again from the page."),
        OTHER_BROWSER(400, "other-browser", "This sign-in was started in another browser: start again from the page."),
        ENTRA_ID_ERROR(400, "entra-id-error", "Entra ID ended the sign-in with an error."),
        OTHER_TENANT(403, "other-tenant", "The user signed in belongs to another tenant than the partner's."),
        USER_NOT_ALLOWED(
                403,
                "user-not-allowed",
                "The user signed in may not renew the consent (partner-center.consent.allowed-users)."),
        ID_TOKEN_INVALID(403, "id-token-invalid", "Entra ID's ID token failed a check."),
        NO_MFA(
                403,
                "no-mfa",
                "Partner Center says the sign-in was made without MFA: sign in again with multi-factor authentication."),
        CODE_REFUSED(502, "code-refused", "Entra ID refused to exchange the sign-in's code for tokens."),
        ENTRA_ID_UNREACHABLE(502, "entra-id-unreachable", "Entra ID could not be reached."),
        PARTNER_CENTER_UNREACHABLE(
                502, "partner-center-unreachable", "Partner Center could not be asked whether the sign-in had MFA.");

        private final int status;
        private final String reason;
        private final String message;

        Outcome(int status, String reason, String message) {
            this.status = status;
            this.reason = reason;
            this.message = message;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return reason;
        }

        public String message() {
            return message;
        }
    }

    /** A callback's result: the outcome, a detail (Entra ID's error code, the check that failed), who and which tenant. */
    public record Result(Outcome outcome, String detail, String user, String tenant) {
        static Result of(Outcome outcome) {
            return new Result(outcome, null, null, null);
        }

        Result detail(String detail) {
            return new Result(outcome, detail, user, tenant);
        }
    }

    /** Where the browser goes, and the value of the cookie that binds the sign-in to it. */
    public record Started(URI authorizationUri, String browser) {}

    /** What is remembered of a sign-in while the browser is away, encrypted in the fleet's state. */
    record Pending(String browser, String codeVerifier, String nonce, String redirectUri) {}

    private final PartnerCenterProperties.Auth auth;
    private final List<String> allowedUsers;
    private final FleetState state;
    private final TokenCipher cipher;
    private final TokenStore tokens;
    private final ConsentState consent;
    private final MfaCheck mfa;
    private final JsonMapper json;
    private final Clock clock;
    private final WebClientReactiveAuthorizationCodeTokenResponseClient codes;
    private final ReactiveJwtDecoder idTokens;
    private final StringKeyGenerator secrets =
            new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 32);

    ConsentFlow(
            PartnerCenterProperties properties,
            FleetState state,
            TokenCipher cipher,
            TokenStore tokens,
            ConsentState consent,
            MfaCheck mfa,
            ClientAssertions assertions,
            WebClient.Builder builder,
            JsonMapper json,
            Clock clock) {
        this.auth = properties.auth();
        this.allowedUsers = properties.consent().allowedUsers();
        this.state = state;
        this.cipher = cipher;
        this.tokens = tokens;
        this.consent = consent;
        this.mfa = mfa;
        this.json = json;
        this.clock = clock;
        WebClient entraId = builder.clone()
                .clientConnector(Connectors.connector(auth.timeout()))
                .build();
        this.codes = new WebClientReactiveAuthorizationCodeTokenResponseClient();
        codes.setWebClient(entraId);
        assertions.applyTo(codes);
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(
                        auth.effectiveJwkSetUri().toString())
                .webClient(entraId)
                .build();
        var timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                timestamps,
                new JwtIssuerValidator(auth.effectiveIssuerUri().toString()),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(auth.clientId()))));
        this.idTokens = decoder;
    }

    /** Whether a renewal reaches every replica (fleet mode) or lives in this replica's memory. */
    public boolean fleetWide() {
        return state.reachesOtherReplicas();
    }

    /** A new sign-in: the authorization request (PKCE, state, nonce, prompt=login), remembered for 10 minutes. */
    public Mono<Started> start(URI redirectUri) {
        return Mono.defer(() -> {
            String browser = secrets.generateKey();
            String nonce = secrets.generateKey();
            OAuth2AuthorizationRequest.Builder builder = OAuth2AuthorizationRequest.authorizationCode()
                    .authorizationUri(auth.effectiveAuthorizationUri().toString())
                    .clientId(auth.clientId())
                    .redirectUri(redirectUri.toString())
                    .scopes(new java.util.LinkedHashSet<>(SCOPES))
                    .state(secrets.generateKey())
                    .additionalParameters(parameters -> {
                        parameters.put("nonce", nonce);
                        // A fresh sign-in, so the MFA is done now, not remembered from an earlier session.
                        parameters.put("prompt", "login");
                    });
            OAuth2AuthorizationRequestCustomizers.withPkce().accept(builder);
            OAuth2AuthorizationRequest request = builder.build();
            Pending pending = new Pending(
                    sha256(browser),
                    (String) request.getAttribute(PkceParameterNames.CODE_VERIFIER),
                    nonce,
                    redirectUri.toString());
            return state.put(key(request.getState()), cipher.encrypt(json.writeValueAsString(pending)), PENDING_FOR)
                    .thenReturn(new Started(URI.create(request.getAuthorizationRequestUri()), browser));
        });
    }

    /**
     * The browser is back from Entra ID with a {@code code} (or an {@code error}) for {@code stateValue}: every check,
     * then the new consent, or nothing changed.
     */
    public Mono<Result> complete(String stateValue, String code, String error, String browser) {
        if (stateValue == null || stateValue.isBlank()) {
            return Mono.just(Result.of(Outcome.STATE_MISSING));
        }
        String key = key(stateValue);
        return state.find(key).flatMap(found -> {
            if (found.isEmpty()) {
                return Mono.just(Result.of(Outcome.STATE_UNKNOWN));
            }
            if (USED.equals(found.get())) {
                return Mono.just(Result.of(Outcome.STATE_USED));
            }
            Pending pending = read(found.get());
            if (pending == null) {
                return Mono.just(Result.of(Outcome.STATE_UNKNOWN));
            }
            if (browser == null
                    || !MessageDigest.isEqual(
                            sha256(browser).getBytes(StandardCharsets.US_ASCII),
                            pending.browser().getBytes(StandardCharsets.US_ASCII))) {
                return Mono.just(Result.of(Outcome.OTHER_BROWSER));
            }
            // Once across the fleet: only the replica that turns it to "used" goes on.
            return state.replace(key, found.get(), USED, PENDING_FOR).flatMap(first -> {
                if (!first) {
                    return Mono.just(Result.of(Outcome.STATE_USED));
                }
                if (error != null && !error.isBlank()) {
                    return Mono.just(Result.of(Outcome.ENTRA_ID_ERROR).detail(error));
                }
                if (code == null || code.isBlank()) {
                    return Mono.just(Result.of(Outcome.ENTRA_ID_ERROR).detail("no code"));
                }
                return exchanged(stateValue, code, pending);
            });
        });
    }

    private Mono<Result> exchanged(String stateValue, String code, Pending pending) {
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION_ID)
                .clientId(auth.clientId())
                .clientSecret(ClientAssertions.secret(auth))
                .clientAuthenticationMethod(ClientAssertions.method(auth))
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(pending.redirectUri())
                .scope(SCOPES)
                .authorizationUri(auth.effectiveAuthorizationUri().toString())
                .tokenUri(auth.effectiveTokenUri().toString())
                .jwkSetUri(auth.effectiveJwkSetUri().toString())
                .issuerUri(auth.effectiveIssuerUri().toString())
                .build();
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .clientId(auth.clientId())
                .redirectUri(pending.redirectUri())
                .scopes(registration.getScopes())
                .state(stateValue)
                .attributes(attributes -> attributes.put(PkceParameterNames.CODE_VERIFIER, pending.codeVerifier()))
                .build();
        OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
                .state(stateValue)
                .redirectUri(pending.redirectUri())
                .build();
        return codes.getTokenResponse(new OAuth2AuthorizationCodeGrantRequest(
                        registration, new OAuth2AuthorizationExchange(request, response)))
                .timeout(auth.timeout())
                .flatMap(tokens -> checked(tokens, pending))
                .onErrorResume(
                        OAuth2AuthorizationException.class,
                        refused -> Mono.just(Result.of(Outcome.CODE_REFUSED)
                                .detail(refused.getError().getErrorCode())))
                .onErrorResume(
                        failure -> !(failure instanceof OAuth2AuthorizationException),
                        unreachable -> Mono.just(Result.of(Outcome.ENTRA_ID_UNREACHABLE)));
    }

    private Mono<Result> checked(OAuth2AccessTokenResponse response, Pending pending) {
        Object idToken = response.getAdditionalParameters().get("id_token");
        if (!(idToken instanceof String text) || response.getRefreshToken() == null) {
            return Mono.just(Result.of(Outcome.ID_TOKEN_INVALID).detail("no ID token or refresh token"));
        }
        return idTokens.decode(text)
                .map(jwt -> user(jwt, pending))
                .onErrorResume(
                        BadJwtException.class,
                        bad -> Mono.just(Result.of(Outcome.ID_TOKEN_INVALID).detail(bad.getMessage())))
                .flatMap(checked ->
                        checked.outcome() != Outcome.RENEWED ? Mono.just(checked) : proven(response, checked));
    }

    // The ID token's user: the partner's tenant, the nonce of this sign-in, one of the allowed users.
    private Result user(Jwt idToken, Pending pending) {
        String tenant = idToken.getClaimAsString("tid");
        String user = idToken.getClaimAsString("preferred_username");
        String oid = idToken.getClaimAsString("oid");
        Result who = new Result(Outcome.RENEWED, null, user != null ? user : oid, tenant);
        if (!pending.nonce().equals(idToken.getClaimAsString("nonce"))) {
            return new Result(Outcome.ID_TOKEN_INVALID, "nonce", who.user(), tenant);
        }
        if (!auth.tenantId().equalsIgnoreCase(Objects.toString(tenant, ""))) {
            return new Result(Outcome.OTHER_TENANT, null, who.user(), tenant);
        }
        boolean allowed = allowedUsers.stream()
                .anyMatch(allowedUser -> allowedUser.equals(oid)
                        || (user != null
                                && allowedUser.toLowerCase(Locale.ROOT).equals(user.toLowerCase(Locale.ROOT))));
        return allowed ? who : new Result(Outcome.USER_NOT_ALLOWED, null, who.user(), tenant);
    }

    // Proven on Partner Center with MFA before it replaces anything; then the fleet's chain, and the consent state
    // ends.
    private Mono<Result> proven(OAuth2AccessTokenResponse response, Result who) {
        return mfa.check(response.getAccessToken().getTokenValue()).flatMap(verdict -> switch (verdict) {
            case NOT_COMPLIANT, REFUSED_WITHOUT_MFA ->
                Mono.just(new Result(Outcome.NO_MFA, null, who.user(), who.tenant()));
            case UNKNOWN -> Mono.just(new Result(Outcome.PARTNER_CENTER_UNREACHABLE, null, who.user(), who.tenant()));
            case COMPLIANT ->
                tokens.consentRenewed(response.getAccessToken(), response.getRefreshToken())
                        .then(state.put(
                                        state.key("consent", "renewed"),
                                        clock.instant().toString(),
                                        KEEP_RENEWED)
                                .onErrorResume(e -> Mono.empty()))
                        // Its INFO line names the request that renewed it, whichever thread Redis answered on.
                        .then(Mono.deferContextual(context -> Mono.fromRunnable(
                                () -> RequestContext.inScope(context, () -> consent.renewedInService(fleetWide())))))
                        .thenReturn(who);
        });
    }

    // Longer than any refresh token lives: when the consent was last renewed here, for the page.
    private static final Duration KEEP_RENEWED = Duration.ofDays(400);

    /** When the consent was last renewed on the page, if anyone knows. */
    public Mono<Instant> lastRenewed() {
        return state.get(state.key("consent", "renewed")).map(Instant::parse).onErrorResume(e -> Mono.empty());
    }

    private Pending read(String stored) {
        try {
            String plain = cipher.decrypt(stored);
            return plain == null ? null : json.readValue(plain, Pending.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private String key(String stateValue) {
        // The state is the browser's to show; the key holds its hash, so Redis's keys never list a live state.
        return state.key("consent", "pending", sha256(stateValue));
    }

    private static String sha256(String text) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
