package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.local.LocalPartnerCenterBff;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The README's run command must keep working: start the local main and use it as the README says. */
@ExtendWith(OutputCaptureExtension.class)
class LocalRunTest {

    static ConfigurableApplicationContext context;
    static String api;
    static String tokenUrl;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        context = LocalPartnerCenterBff.start(0, 0, "--server.port=0", "--management.server.port=0");
        api = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        tokenUrl = context.getEnvironment().getProperty("local.token-url");
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }

    /** What a person types: the command the ready line prints, in a shell with curl and sed. */
    static String tokenByTheReadyLinesCommand(String tokenUrl) throws Exception {
        String line = LocalPartnerCenterBff.whereEverythingIs(context.getEnvironment())
                .replace(LocalRunTest.tokenUrl, tokenUrl);
        String command = line.substring(line.indexOf("TOKEN=$("));
        Process shell = new ProcessBuilder("bash", "-c", command + "; printf %s \"$TOKEN\"").start();
        String token = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).isZero();
        return token;
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token));
    }

    @Test
    void theReadyLineSaysWhereEverythingIsAndItsTokenCommandWorksOnBothHostNames() throws Exception {
        String line = LocalPartnerCenterBff.whereEverythingIs(context.getEnvironment());
        assertThat(line)
                .contains(
                        "/api/v1",
                        "/swagger-ui/index.html",
                        "/consent",
                        "/actuator",
                        "simulator",
                        "token issuer",
                        tokenUrl);
        // The consent page is on: the tour renews the consent there.
        assertThat(send(HttpRequest.newBuilder(URI.create(api + "/consent"))).statusCode())
                .isEqualTo(200);

        for (String url : new String[] {tokenUrl, tokenUrl.replace("localhost", "127.0.0.1")}) {
            String token = tokenByTheReadyLinesCommand(url);
            HttpResponse<String> answer =
                    get("/api/v1/customers/" + PartnerCenterSimulator.NOT_READY + "/purchase-eligibility", token);

            assertThat(answer.statusCode()).as(url).isEqualTo(200);
            assertThat(json(answer).get("eligible").asBoolean()).isFalse();
            assertThat(json(answer).get("accountStatus").asString()).isEqualTo("Not Ready");
        }
    }

    @Test
    void aReplicaAloneHasNoRedisAtAll() throws Exception {
        assertThat(context.getBeanNamesForType(org.springframework.data.redis.connection.RedisConnectionFactory.class))
                .isEmpty();
        String management = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port");
        JsonNode health = json(send(HttpRequest.newBuilder(URI.create(management + "/actuator/health"))));
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").has("fleet")).isFalse();
        assertThat(health.get("components").has("redis")).isFalse();
        assertThat(health.at("/components/partnerCenterCredentials/status").asString())
                .isEqualTo("UP");
    }

    /** The operators' guide's way to try a certificate locally: the local issuer takes the assertion. */
    @Test
    void aCertificateInsteadOfTheSecretCanBeTriedLocally(@TempDir Path directory) throws Exception {
        OpenSsl.selfSigned(directory, "app");
        try (ConfigurableApplicationContext withCertificate = LocalPartnerCenterBff.start(
                0,
                0,
                "--server.port=0",
                "--management.server.port=0",
                "--partner-center.auth.client-authentication=certificate",
                "--partner-center.auth.client-secret=",
                "--partner-center.auth.certificate-bundle=entra",
                "--spring.ssl.bundle.pem.entra.keystore.certificate=file:" + directory.resolve("app.crt"),
                "--spring.ssl.bundle.pem.entra.keystore.private-key=file:" + directory.resolve("app.key"))) {
            String there =
                    "http://127.0.0.1:" + withCertificate.getEnvironment().getProperty("local.server.port");
            String token =
                    tokenByTheReadyLinesCommand(withCertificate.getEnvironment().getProperty("local.token-url"));
            for (String path : List.of(
                    "/api/v1/gcc-validation-codes", // App-only
                    "/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validation-status")) { // App+User
                assertThat(send(HttpRequest.newBuilder(URI.create(there + path))
                                        .header("Authorization", "Bearer " + token))
                                .statusCode())
                        .as(path)
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void swaggerUisAuthorizeDialogIsPrefilledForTheLocalIssuer() throws Exception {
        JsonNode document = json(send(HttpRequest.newBuilder(URI.create(api + "/v3/api-docs"))));
        assertThat(document.at("/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl")
                        .asString())
                .isEqualTo(tokenUrl);
        String initializer = send(HttpRequest.newBuilder(URI.create(api + "/swagger-ui/swagger-initializer.js")))
                .body();
        assertThat(initializer).contains("\"clientId\":\"portal\"", "\"clientSecret\":");
    }

    @Test
    void aQualificationPostedIsInTheCustomersListAfterwards() throws Exception {
        String token = tokenByTheReadyLinesCommand(tokenUrl);
        String customer = PartnerCenterSimulator.NO_QUALIFICATIONS;

        HttpResponse<String> created =
                send(HttpRequest.newBuilder(URI.create(api + "/api/v1/customers/" + customer + "/qualifications"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"qualification\": \"StateOwnedEntity\"}")));
        assertThat(created.statusCode()).isEqualTo(201);

        HttpResponse<String> list = get("/api/v1/customers/" + customer + "/qualifications", token);
        assertThat(json(list).get("items")).singleElement().satisfies(item -> {
            assertThat(item.get("qualification").asString()).isEqualTo("StateOwnedEntity");
            assertThat(item.get("vettingStatus").asString()).isEqualTo("InReview");
        });
    }

    /** The outage switch of the README's tour: what a portal developer uses to watch last-known answers in the local run. */
    @Test
    void theSimulatorsOutageSwitchFailsEveryCallUntilItIsSwitchedBack() throws Exception {
        String token = tokenByTheReadyLinesCommand(tokenUrl);
        String simulator = context.getEnvironment().getProperty("partner-center.base-url");
        String scenario = simulator + "/__admin/scenarios/" + PartnerCenterSimulator.OUTAGE + "/state";
        try {
            assertThat(send(HttpRequest.newBuilder(URI.create(scenario))
                                    .PUT(HttpRequest.BodyPublishers.ofString("{\"state\": \"down\"}")))
                            .statusCode())
                    .isEqualTo(200);

            HttpResponse<String> down =
                    get("/api/v1/customers/" + java.util.UUID.randomUUID() + "/qualification", token);
            assertThat(down.statusCode()).isEqualTo(502);
            assertThat(json(down).get("retryable").asBoolean()).isTrue();
        } finally {
            assertThat(send(HttpRequest.newBuilder(URI.create(simulator + "/__admin/scenarios/reset"))
                                    .POST(HttpRequest.BodyPublishers.noBody()))
                            .statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<String> back = get("/api/v1/customers/" + java.util.UUID.randomUUID() + "/qualification", token);
        assertThat(back.statusCode()).isEqualTo(200);
    }

    @Test
    void theAnswersRealUsersRecordedAreServedAndRead() throws Exception {
        String token = tokenByTheReadyLinesCommand(tokenUrl);

        HttpResponse<String> withMark =
                get("/api/v1/customers/" + PartnerCenterSimulator.BYTE_ORDER_MARK + "/validation-status", token);
        assertThat(withMark.statusCode()).isEqualTo(200);
        assertThat(json(withMark).get("status").asString()).isEqualTo("Allowed");

        HttpResponse<String> bareString =
                get("/api/v1/customers/" + PartnerCenterSimulator.BARE_STRING_ERROR + "/qualifications", token);
        assertThat(bareString.statusCode()).isEqualTo(400);
        assertThat(json(bareString).get("detail").asString()).isEqualTo("Customer tagging denied.");

        HttpResponse<String> noRelationship =
                get("/api/v1/customers/" + PartnerCenterSimulator.NO_RELATIONSHIP + "/purchase-eligibility", token);
        assertThat(noRelationship.statusCode()).isEqualTo(403);
        assertThat(json(noRelationship).get("type").asString()).endsWith("no-relationship");
        assertThat(json(noRelationship).get("upstreamErrorCode").asString()).isEqualTo("20002");
    }

    @Test
    void aTakenPortIsRefusedNamingTheSettingThatMovesIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> LocalPartnerCenterBff.start(taken.getLocalPort(), 0))
                    .hasMessageContaining("Port " + taken.getLocalPort())
                    .hasMessageContaining("-Dlocal.simulator.port=");
        }
    }
}
