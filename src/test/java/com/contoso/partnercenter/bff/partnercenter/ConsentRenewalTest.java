package com.contoso.partnercenter.bff.partnercenter;

import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.CUSTOMER;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.TOKEN_PATH;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.TestClock;
import com.contoso.partnercenter.bff.partnercenter.auth.ConsentState;
import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The consent renewed in the service, against WireMock as Entra ID (its token endpoint and keys) and as Partner
 * Center (the MFA proof): the cases a real login page cannot produce, each showing what it changes and what not.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsentRenewalTest {

    static final String TENANT = "tenant-1";
    static final String ADMIN = "Admin@Contoso.example";
    static final String ADMIN_OID = "4a1b2c3d-0000-4000-8000-000000000001";
    static final URI BASE = URI.create("https://bff.contoso.example");
    static final String VALIDATIONS = "/v1/customers/all/validations";
    static final String STATUS_PATH = "/v1/customers/" + CUSTOMER + "/validationStatus";

    static RSAKey entraIdKey;
    static RSAKey otherKey;

    @RegisterExtension
    static WireMockExtension wireMock = ModuleUnderTest.upstream();

    @RegisterExtension
    final ModuleUnderTest.Started modules = new ModuleUnderTest.Started(wireMock);

    ModuleUnderTest module;
    ConsentRenewal renewal;

    @BeforeAll
    static void keys() throws Exception {
        entraIdKey = new RSAKeyGenerator(2048).keyID("entra-id").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("entra-id").generate();
    }

    @BeforeEach
    void setUp() {
        wireMock.stubFor(get("/keys").willReturn(okJson(new JWKSet(entraIdKey.toPublicJWK()).toString())));
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(okJson(token("old-access", "refresh-token-1", 3599))));
        wireMock.stubFor(get(urlPathEqualTo(STATUS_PATH))
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"Allowed\", \"lastUpdateDateTime\": \"\"}")));
        mfaCompliant(true);
        module = modules.start(wireMock.baseUrl(), consentSettings());
        renewal = module.bean(ConsentRenewal.class);
    }

    private static String[] consentSettings() {
        return new String[] {
            "partner-center.deadline=8s",
            "partner-center.auth.timeout=5s",
            "partner-center.auth.authorization-uri=" + wireMock.baseUrl() + "/authorize",
            "partner-center.auth.jwk-set-uri=" + wireMock.baseUrl() + "/keys",
            "partner-center.auth.issuer-uri=" + wireMock.baseUrl() + "/v2.0",
            "partner-center.consent.enabled=true",
            "partner-center.consent.allowed-users=someone-else@contoso.example," + ADMIN.toLowerCase()
        };
    }

    private void mfaCompliant(boolean compliant) {
        wireMock.stubFor(get(VALIDATIONS)
                .withHeader("ValidateMfa", equalTo("true"))
                .willReturn(okJson("[]").withHeader("isMfaCompliant", Boolean.toString(compliant))));
    }

    /** Entra ID's answer to the code: tokens, and an ID token with these claims, signed by {@code key}. */
    private void entraIdAnswers(String nonce, RSAKey key, Consumer<JWTClaimsSet.Builder> claims) throws Exception {
        var builder = new JWTClaimsSet.Builder()
                .issuer(wireMock.baseUrl() + "/v2.0")
                .audience("client-1")
                .subject("pairwise-subject")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .claim("nonce", nonce)
                .claim("tid", TENANT)
                .claim("oid", ADMIN_OID)
                .claim("preferred_username", ADMIN);
        claims.accept(builder);
        SignedJWT idToken = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID("entra-id")
                        .type(JOSEObjectType.JWT)
                        .build(),
                builder.build());
        idToken.sign(new RSASSASigner(key));
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=authorization_code"))
                .willReturn(
                        okJson("{\"access_token\": \"new-access\", \"token_type\": \"Bearer\", \"expires_in\": 3599,"
                                + " \"refresh_token\": \"new-refresh\", \"id_token\": \"" + idToken.serialize()
                                + "\"}")));
    }

    private static Map<String, String> query(URI uri) {
        return UriComponentsBuilder.fromUri(uri).build(true).getQueryParams().toSingleValueMap().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> decode(e.getValue())));
    }

    private static String decode(String value) {
        return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private List<String> bearersOfValidationStatus() {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo(STATUS_PATH))).stream()
                .map(request -> request.getHeader("Authorization"))
                .toList();
    }

    @Test
    void aRenewalProvenWithMfaBecomesTheChainAndEndsTheConsentState() throws Exception {
        ConsentState consent = module.bean(ConsentState.class);
        consent.required(ConsentNeeded.MFA_REQUIRED, "900421", "validation-status");

        ConsentRenewal.Started started = renewal.begin(BASE);

        Map<String, String> asked = query(started.authorizationUri());
        assertThat(started.authorizationUri().toString()).startsWith(wireMock.baseUrl() + "/authorize?");
        assertThat(asked)
                .containsEntry("client_id", "client-1")
                .containsEntry("response_type", "code")
                .containsEntry("redirect_uri", "https://bff.contoso.example/consent/callback")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("prompt", "login")
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(asked.get("scope").split(" "))
                .containsExactlyInAnyOrder(
                        "https://api.partnercenter.microsoft.com/user_impersonation", "offline_access", "openid");
        entraIdAnswers(asked.get("nonce"), entraIdKey, claims -> {});

        ConsentRenewal.Outcome outcome = renewal.complete(asked.get("state"), "the-code", null, started.browser());

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(200);
        assertThat(outcome.outcome()).isEqualTo("renewed");
        assertThat(outcome.user()).isEqualTo(ADMIN);
        assertThat(outcome.tenant()).isEqualTo(TENANT);
        // The code was exchanged with the PKCE verifier of the challenge sent, and the same redirect URI.
        LoggedRequest exchange = wireMock.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                        .withRequestBody(containing("grant_type=authorization_code")))
                .get(0);
        Map<String, String> form = ClientAuthenticationTest.form(exchange.getBodyAsString());
        assertThat(form)
                .containsEntry("code", "the-code")
                .containsEntry("redirect_uri", "https://bff.contoso.example/consent/callback")
                .containsEntry("client_secret", "secret-1");
        assertThat(Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(MessageDigest.getInstance("SHA-256")
                                .digest(form.get("code_verifier").getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(asked.get("code_challenge"));
        // Proven with MFA on Partner Center with the new token.
        wireMock.verify(getRequestedFor(urlPathEqualTo(VALIDATIONS))
                .withHeader("ValidateMfa", equalTo("true"))
                .withHeader("Authorization", equalTo("Bearer new-access")));
        // The consent state is over, and the next App+User call uses the new consent's token.
        assertThat(consent.current()).isNull();
        assertThat(module.meters()
                        .get("partner.center.consent.required")
                        .gauge()
                        .value())
                .isZero();
        renewal.status();
        module.partnerCenter().validationStatus(CUSTOMER);
        assertThat(bearersOfValidationStatus()).containsExactly("Bearer new-access");
        wireMock.verify(
                0,
                postRequestedFor(urlPathEqualTo(TOKEN_PATH)).withRequestBody(containing("grant_type=refresh_token")));
        assertThat(renewal.status().lastRenewed()).isNotNull();
        assertThat(renewal.status().daysLeft()).isEqualTo(89);
    }

    @Test
    void aStateWorksOnceAndOnlyInTheBrowserThatAskedAndAnUnknownOneNever() throws Exception {
        ConsentRenewal.Started started = renewal.begin(BASE);
        Map<String, String> asked = query(started.authorizationUri());
        entraIdAnswers(asked.get("nonce"), entraIdKey, claims -> {});

        assertThat(renewal.complete(asked.get("state"), "the-code", null, "another-browser")
                        .outcome())
                .isEqualTo("other-browser");
        assertThat(renewal.complete(asked.get("state"), "the-code", null, null).status())
                .isEqualTo(400);
        assertThat(renewal.complete("no-such-state", "the-code", null, started.browser())
                        .outcome())
                .isEqualTo("state-unknown");
        assertThat(renewal.complete(null, "the-code", null, started.browser()).outcome())
                .isEqualTo("state-missing");
        assertThat(renewal.complete(asked.get("state"), "the-code", null, started.browser())
                        .outcome())
                .isEqualTo("renewed");
        ConsentRenewal.Outcome replayed = renewal.complete(asked.get("state"), "the-code", null, started.browser());
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.outcome()).isEqualTo("state-used");
        wireMock.verify(
                1,
                postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                        .withRequestBody(containing("grant_type=authorization_code")));
    }

    @Test
    void everyRefusalChangesNothing() throws Exception {
        ConsentState consent = module.bean(ConsentState.class);
        consent.required(ConsentNeeded.MFA_REQUIRED, "900421", "validation-status");
        ConsentState.Required before = consent.current();

        assertRefused(400, "entra-id-error", "access_denied", null, claims -> {});
        assertRefused(403, "other-tenant", null, null, claims -> claims.claim("tid", "another-tenant"));
        assertRefused(
                403,
                "user-not-allowed",
                null,
                null,
                claims -> claims.claim("preferred_username", "eve@contoso.example")
                        .claim("oid", "4a1b2c3d-0000-4000-8000-000000000009"));
        assertRefused(403, "id-token-invalid", null, null, claims -> claims.claim("nonce", "another-nonce"));
        assertRefused(403, "id-token-invalid", null, otherKey, claims -> {});
        assertRefused(403, "id-token-invalid", null, null, claims -> claims.audience("another-client"));
        mfaCompliant(false);
        assertRefused(403, "no-mfa", null, null, claims -> {});
        wireMock.stubFor(get(VALIDATIONS)
                .withHeader("ValidateMfa", equalTo("true"))
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\": 900421, \"description\": \"MFA required\"}")));
        assertRefused(403, "no-mfa", null, null, claims -> {});
        wireMock.stubFor(get(VALIDATIONS)
                .withHeader("ValidateMfa", equalTo("true"))
                .willReturn(aResponse().withStatus(503)));
        assertRefused(502, "partner-center-unreachable", null, null, claims -> {});

        // The chain, the consent state and its gauge are as they were: the next App+User call redeems the configured
        // refresh token, not a refused consent's.
        assertThat(consent.current()).isEqualTo(before);
        assertThat(module.meters()
                        .get("partner.center.consent.required")
                        .gauge()
                        .value())
                .isOne();
        module.partnerCenter().validationStatus(CUSTOMER);
        assertThat(bearersOfValidationStatus()).containsExactly("Bearer old-access");
        wireMock.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=refresh-token-0")));
        assertThat(renewal.status().lastRenewed()).isNull();
    }

    @Test
    void aSignInThatTookLongerThanTenMinutesIsUnknownAndChangesNothing() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        ModuleUnderTest slow = modules.startWith(clock, wireMock.baseUrl(), consentSettings());
        ConsentRenewal renewal = slow.bean(ConsentRenewal.class);
        ConsentRenewal.Started started = renewal.begin(BASE);
        Map<String, String> asked = query(started.authorizationUri());
        entraIdAnswers(asked.get("nonce"), entraIdKey, claims -> {});

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        ConsentRenewal.Outcome outcome = renewal.complete(asked.get("state"), "the-code", null, started.browser());

        assertThat(outcome.status()).isEqualTo(400);
        assertThat(outcome.outcome()).isEqualTo("state-unknown");
        wireMock.verify(
                0,
                postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                        .withRequestBody(containing("grant_type=authorization_code")));
    }

    @Test
    void noCodeOrTokenReachesALogLine(CapturedOutput output) throws Exception {
        ConsentRenewal.Started started = renewal.begin(BASE);
        Map<String, String> asked = query(started.authorizationUri());
        entraIdAnswers(asked.get("nonce"), entraIdKey, claims -> {});

        assertThat(renewal.complete(asked.get("state"), "the-code", null, started.browser())
                        .renewed())
                .isTrue();
        module.partnerCenter().validationStatus(CUSTOMER);

        assertThat(output.getAll())
                .contains("The service's consent was renewed on its consent page")
                .doesNotContain("the-code", "new-access", "new-refresh", asked.get("state"), started.browser());
    }

    @Test
    void aCodeEntraIdRefusesIsABadGateway() throws Exception {
        ConsentRenewal.Started started = renewal.begin(BASE);
        Map<String, String> asked = query(started.authorizationUri());
        wireMock.stubFor(
                post(urlPathEqualTo(TOKEN_PATH))
                        .withRequestBody(containing("grant_type=authorization_code"))
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"error\": \"invalid_grant\", \"error_description\": \"AADSTS54005: code redeemed\"}")));

        ConsentRenewal.Outcome outcome = renewal.complete(asked.get("state"), "the-code", null, started.browser());

        assertThat(outcome.status()).isEqualTo(502);
        assertThat(outcome.outcome()).isEqualTo("code-refused");
        assertThat(outcome.detail()).isEqualTo("invalid_grant");
    }

    private void assertRefused(
            int status, String reason, String error, RSAKey key, Consumer<JWTClaimsSet.Builder> claims)
            throws Exception {
        ConsentRenewal.Started started = renewal.begin(BASE);
        Map<String, String> asked = query(started.authorizationUri());
        entraIdAnswers(asked.get("nonce"), key != null ? key : entraIdKey, claims);

        ConsentRenewal.Outcome outcome =
                renewal.complete(asked.get("state"), error == null ? "the-code" : null, error, started.browser());

        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(status);
        assertThat(outcome.outcome()).as(outcome.toString()).isEqualTo(reason);
    }
}
