package com.contoso.partnercenter.bff;

import static com.contoso.partnercenter.bff.EndToEnd.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The service's own tokens from a real OAuth2 server that, like Entra ID, accepts only refresh tokens it
 * issued and rotates them on every use.
 */
// Without the cache: these tests count the calls that reach Partner Center.
@TestPropertySource(properties = "partner-center.cache.ttl=0")
// A service of its own: its tests watch the service obtain its first tokens.
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class OutboundTokensTest extends EndToEndTest {

    @BeforeEach
    void forgetEarlierRequests() {
        takeAll();
        simulator.resetRequests();
    }

    // mock-oauth2-server throws rather than answering null when no request is left.
    static List<RecordedRequest> takeAll() {
        List<RecordedRequest> requests = new ArrayList<>();
        while (true) {
            try {
                requests.add(issuer.takeRequest(200, TimeUnit.MILLISECONDS));
            } catch (RuntimeException none) {
                return requests;
            }
        }
    }

    String api(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    List<String> tokenRequests() {
        return takeAll().stream()
                .filter(request -> request.getPath().startsWith("/" + LocalTokenIssuer.ENTRA_ISSUER + "/token"))
                .map(request -> request.getBody().readUtf8())
                .toList();
    }

    @Test
    void validationCodesUseACachedClientCredentialsToken() throws Exception {
        String portal = EndToEnd.readerToken(issuer);
        assertThat(get(api("/api/v1/gcc-validation-codes"), portal).statusCode())
                .isEqualTo(200);
        assertThat(get(api("/api/v1/gcc-validation-codes"), portal).statusCode())
                .isEqualTo(200);

        List<String> tokenRequests = tokenRequests().stream()
                .filter(body -> body.contains("grant_type=client_credentials"))
                .toList();
        assertThat(tokenRequests).hasSizeLessThanOrEqualTo(1);
        String bearer = simulator
                .findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations")))
                .get(0)
                .getHeader("Authorization")
                .substring("Bearer ".length());
        assertThat(SignedJWT.parse(bearer).getJWTClaimsSet().getIssuer()).endsWith("/" + LocalTokenIssuer.ENTRA_ISSUER);
    }

    @Test
    void anExpiredAppUserTokenIsRefreshedWithTheRotatedRefreshToken() throws Exception {
        // The first App+User token lives 30 s, inside Spring's one-minute margin, so it counts as expired at once.
        issuer.enqueueCallback(new DefaultOAuth2TokenCallback(
                LocalTokenIssuer.ENTRA_ISSUER, "partner-admin", "JWT", List.of("partner-center"), Map.of(), 30));
        String portal = EndToEnd.readerToken(issuer);
        String status = "/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validation-status";

        for (int i = 0; i < 3; i++) {
            assertThat(get(api(status), portal).statusCode()).isEqualTo(200);
        }

        List<String> refreshTokensSent = tokenRequests().stream()
                .filter(body -> body.contains("grant_type=refresh_token"))
                .map(body -> body.replaceAll(".*refresh_token=([^&]+).*", "$1"))
                .toList();
        // Refreshed twice (the second time because the first token had expired), never a third time, and the
        // second refresh used the token the first one returned: the issuer would refuse the old one.
        assertThat(refreshTokensSent).hasSize(2).doesNotHaveDuplicates();
        assertThat(simulator.findAll(getRequestedFor(
                        urlPathEqualTo("/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validationStatus"))))
                .hasSize(3);
    }
}
