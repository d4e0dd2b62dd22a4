package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalPartnerCenterBff;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The README's run command must keep working: start the local main and use it as the README says. */
class LocalRunTest {

    @Test
    void theLocalRunServesAPortalWithATokenFromTheEmbeddedIssuer() throws Exception {
        try (ConfigurableApplicationContext context =
                LocalPartnerCenterBff.start(0, 0, "--server.port=0", "--management.server.port=0")) {
            String api = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            String tokenUrl = context.getEnvironment().getProperty("local.token-url");
            HttpClient http = HttpClient.newHttpClient();

            // The README's curl: client credentials at the embedded issuer.
            HttpResponse<String> token = http.send(
                    HttpRequest.newBuilder(URI.create(tokenUrl))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "grant_type=client_credentials&client_id=portal&client_secret=any&scope=partner-center-bff"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String accessToken = JsonMapper.shared()
                    .readTree(token.body())
                    .get("access_token")
                    .asString();

            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(api + "/api/v1/customers/" + PartnerCenterSimulator.NOT_READY
                                    + "/purchase-eligibility"))
                            .header("Authorization", "Bearer " + accessToken)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode body = JsonMapper.shared().readTree(answer.body());
            assertThat(body.get("eligible").asBoolean()).isFalse();
            assertThat(body.get("accountStatus").asString()).isEqualTo("Not Ready");

            // Swagger UI's Authorize dialog: an OAuth2 scheme at the same issuer, the client prefilled.
            JsonNode document = JsonMapper.shared()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(api + "/v3/api-docs"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body());
            assertThat(document.at("/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl")
                            .asString())
                    .isEqualTo(tokenUrl);
            String initializer = http.send(
                            HttpRequest.newBuilder(URI.create(api + "/swagger-ui/swagger-initializer.js"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(initializer).contains("\"clientId\":\"portal\"", "\"clientSecret\":");
        }
    }
}
