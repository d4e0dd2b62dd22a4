package com.contoso.partnercenter.bff;

import static com.contoso.partnercenter.bff.EndToEnd.get;
import static com.contoso.partnercenter.bff.EndToEnd.post;
import static com.contoso.partnercenter.bff.EndToEnd.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The whole service over HTTP with real tokens from a real OAuth2 server. */
class InboundSecurityTest extends EndToEndTest {

    static final String ELIGIBILITY =
            "/api/v1/customers/" + PartnerCenterSimulator.UNDER_REVIEW + "/purchase-eligibility";

    @LocalManagementPort
    int managementPort;

    String api(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }

    @Test
    void aDelegatedReadScopeReadsThroughTheWholeStack() {
        HttpResponse<String> response = get(api(ELIGIBILITY), EndToEnd.readerToken(issuer));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("eligible").asBoolean()).isFalse();
        assertThat(json(response).get("accountStatus").asString()).isEqualTo("UnderReview");
    }

    @Test
    void answersSayWhetherTheyCameFromTheCache() {
        // A customer of its own: nobody asked about it before on this service.
        String path = "/api/v1/customers/" + UUID.randomUUID() + "/qualifications";
        HttpResponse<String> first = get(api(path), EndToEnd.readerToken(issuer));
        HttpResponse<String> second = get(api(path), EndToEnd.readerToken(issuer));

        assertThat(first.headers().firstValue("Cache-Status")).hasValue("partner-center-bff; fwd=miss");
        assertThat(second.headers().firstValue("Cache-Status")).hasValue("partner-center-bff; hit");
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void anAppRoleInTheRolesClaimIsAPermissionToo() {
        String token = token(
                issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("roles", List.of("partner-center.read")), 3600);

        assertThat(get(api(ELIGIBILITY), token).statusCode()).isEqualTo(200);
    }

    @Test
    void theScopeClaimIsReadAsWellAsScp() {
        String token =
                token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scope", "openid partner-center.read"), 3600);

        assertThat(get(api(ELIGIBILITY), token).statusCode()).isEqualTo(200);
    }

    @Test
    void noTokenIsUnauthorized() {
        HttpResponse<String> response = get(api(ELIGIBILITY), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        String token = token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", "partner-center.read"), -300);

        HttpResponse<String> response = get(api(ELIGIBILITY), token);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain(token);
    }

    @Test
    void aTokenForAnotherAudienceIsUnauthorized() {
        String token = token(issuer, List.of("api://some-other-service"), Map.of("scp", "partner-center.read"), 3600);

        assertThat(get(api(ELIGIBILITY), token).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenOfAnotherIssuerIsUnauthorized() {
        String foreign = issuer.issueToken(
                        LocalTokenIssuer.ENTRA_ISSUER,
                        "portal",
                        new no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback(
                                LocalTokenIssuer.ENTRA_ISSUER,
                                "portal",
                                "JWT",
                                List.of(LocalTokenIssuer.AUDIENCE),
                                Map.of("scp", "partner-center.read"),
                                3600))
                .serialize();

        assertThat(get(api(ELIGIBILITY), foreign).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenWithoutTheNeededPermissionIsForbidden() {
        String token = token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", "openid"), 3600);
        assertThat(get(api(ELIGIBILITY), token).statusCode()).isEqualTo(403);

        HttpResponse<String> write = post(
                api("/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/qualifications"),
                EndToEnd.readerToken(issuer),
                "{\"qualification\": \"Education\"}");
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(json(write).get("type").asString()).isEqualTo("urn:partner-center-bff:problem:forbidden");
    }

    @Test
    void theWritePermissionUpdatesAQualification() {
        String token = token(
                issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("roles", List.of("partner-center.write")), 3600);

        HttpResponse<String> response = post(
                api("/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/qualifications"),
                token,
                "{\"qualification\": \"StateOwnedEntity\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(json(response).get("qualification").asString()).isEqualTo("StateOwnedEntity");
        assertThat(json(response).get("vettingStatus").asString()).isEqualTo("InReview");
    }

    @Test
    void aPathTheFirewallRejectsIsAProblemToo() {
        HttpResponse<String> response = get(api("/api/v1/gcc-validation-codes;evil=1"), EndToEnd.readerToken(issuer));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(json(response).get("correlationId").asString()).isNotBlank();
        assertThat(json(response).get("instance").asString()).startsWith("/api/v1/gcc-validation-codes");
    }

    @Test
    void aHeaderValueWithAControlCharacterIsRefusedByTheFirewall() {
        // U+0085 (NEL), a control character Tomcat lets through as obs-text: the firewall's rule refuses it.
        String token = EndToEnd.readerToken(issuer);
        RawHttp.Answer refused = RawHttp.get(port, ELIGIBILITY, "Authorization", "Bearer " + token + "\u0085");
        RawHttp.Answer accepted = RawHttp.get(port, ELIGIBILITY, "Authorization", "Bearer " + token + "\u00e9");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        // An assigned character that is not a control passes the firewall; the token is then no token.
        assertThat(accepted.status()).isEqualTo(401);
    }

    @Test
    void aReactorPipelineOnARequestThreadIsNotGivenTheServletRequestBySpringSecurity() {
        // What a request thread has while the module's pipeline is subscribed: the request and the authentication.
        RequestContextHolder.setRequestAttributes(
                new ServletRequestAttributes(new MockHttpServletRequest(), new MockHttpServletResponse()));
        SecurityContextHolder.getContext()
                .setAuthentication(new TestingAuthenticationToken("portal", null, "partner-center.read"));
        try {
            Boolean given = Mono.deferContextual(context ->
                            Mono.just(context.hasKey("org.springframework.security.SECURITY_CONTEXT_ATTRIBUTES")))
                    .block();
            assertThat(given)
                    .as("Spring Security's hook copied the request into the pipeline")
                    .isFalse();
        } finally {
            RequestContextHolder.resetRequestAttributes();
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void swaggerUiAndTheOpenApiDocumentAreOpen() {
        assertThat(get(api("/swagger-ui/index.html"), null).statusCode()).isEqualTo(200);
        HttpResponse<String> docs = get(api("/v3/api-docs"), null);
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode document = json(docs);
        assertThat(document.get("openapi").asString()).startsWith("3.");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asString())
                .isEqualTo("bearer");
        // The OAuth2 scheme for Swagger UI's dialog is there only when configured (the local run does).
        assertThat(document.at("/components/securitySchemes/oauth2").isMissingNode())
                .isTrue();
        assertThat(document.get("paths").propertyNames())
                .contains(
                        "/api/v1/gcc-validation-codes",
                        "/api/v1/customers/{customerId}/qualifications",
                        "/api/v1/customers/{customerId}/qualification",
                        "/api/v1/customers/{customerId}/validation-status",
                        "/api/v1/customers/{customerId}/purchase-eligibility");
    }

    @Test
    void actuatorAnswersOnTheManagementPortOnly() {
        String management = "http://127.0.0.1:" + managementPort;
        assertThat(get(management + "/actuator/health/liveness", null).statusCode())
                .isEqualTo(200);
        assertThat(get(management + "/actuator/health/readiness", null).statusCode())
                .isEqualTo(200);
        assertThat(get(management + "/actuator/info", null).statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = get(management + "/actuator/prometheus", null);
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("http_server_requests", "jvm_memory_used_bytes", "application=\"partner-center-bff\"");
        // Not exposed: nothing but health, info and prometheus answers, even on the management port.
        assertThat(get(management + "/actuator/env", null).statusCode()).isIn(401, 404);

        assertThat(get(api("/actuator/health"), EndToEnd.readerToken(issuer)).statusCode())
                .isEqualTo(404);
    }
}
