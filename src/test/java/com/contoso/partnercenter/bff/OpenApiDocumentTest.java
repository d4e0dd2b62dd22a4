package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document portal developers generate clients from. The copy in src/test/resources is what the
 * generated-client test is built from, so it must be the one the service serves; and the served one must pass
 * Redocly's recommended rules.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiDocumentTest {

    static final Path SAVED = Path.of("src/test/resources/openapi/partner-center-bff.json");
    static final Path SERVED = Path.of("target/openapi/partner-center-bff.json");
    static final Path JS = Path.of("src/test/js");

    static final WireMockServer simulator = PartnerCenterSimulator.start(0);
    static final MockOAuth2Server issuer = LocalTokenIssuer.start(0);
    static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    JsonNode served;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EndToEnd.register(registry, simulator, issuer);
    }

    @AfterAll
    static void stop() {
        simulator.stop();
        issuer.shutdown();
    }

    @BeforeEach
    void fetchTheServedDocument() throws IOException {
        var response = EndToEnd.get("http://127.0.0.1:" + port + "/v3/api-docs", null);
        assertThat(response.statusCode()).isEqualTo(200);
        served = json.readTree(response.body());
        Files.createDirectories(SERVED.getParent());
        Files.writeString(SERVED, json.writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n");
    }

    @Test
    void theSavedDocumentIsTheServedOne() throws IOException {
        if (Boolean.getBoolean("openapi.update")) {
            Files.createDirectories(SAVED.getParent());
            Files.copy(SERVED, SAVED, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(json.readTree(Files.readString(SAVED)))
                .as("""
                        The served OpenAPI document differs from %s, which the generated client is built from. \
                        Review %s and copy it there, or run ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.update=true""".formatted(SAVED, SERVED))
                .isEqualTo(served);
    }

    @Test
    void theServedDocumentPassesRedoclysRecommendedRules() throws Exception {
        Path cli = JS.resolve("node_modules/@redocly/cli/bin/cli.js");
        assertThat(cli).as("npm ci in src/test/js (the build runs it)").exists();
        Path output = Files.createTempFile("redocly", ".txt");
        Process lint = new ProcessBuilder(List.of(
                        "node",
                        cli.toString(),
                        "lint",
                        "--extends=recommended",
                        "--format=stylish",
                        SERVED.toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!lint.waitFor(120, TimeUnit.SECONDS)) {
            lint.destroyForcibly();
            throw new AssertionError("Redocly did not finish in 120 s");
        }
        String report = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(lint.exitValue()).as(report).isZero();
        // Stylish lines read "line:column  severity  rule  message"; a warning fails the check too.
        assertThat(report.lines()).as(report).noneMatch(line -> line.matches("\\s*\\d+:\\d+\\s+(error|warning)\\s.*"));
        assertThat(report).as(report).contains("Your API description is valid");
    }

    @Test
    void everyOperationHasAStableIdASummaryAndEveryAnswerDocumented() {
        served.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(entry -> {
                    JsonNode operation = entry.getValue();
                    String where = entry.getKey() + " " + path.getKey();
                    assertThat(operation.path("operationId").asString())
                            .as(where)
                            .matches("[a-z][A-Za-z]+");
                    assertThat(operation.path("summary").asString()).as(where).isNotBlank();
                    JsonNode responses = operation.path("responses");
                    for (String status : List.of("400", "401", "403")) {
                        assertThat(responses.path(status).path("content").has("application/problem+json"))
                                .as(where + " documents its " + status + " problem")
                                .isTrue();
                    }
                    responses
                            .properties()
                            .forEach(response -> answerDocumented(where + " " + response.getKey(), response));
                }));
        assertThat(served.path("components").path("schemas").has("Problem")).isTrue();
        assertThat(served.path("servers")).isNotEmpty();
    }

    @Test
    void everyFieldAnAnswerCanCarryAsNullIsTypedSo() {
        // Partner Center leaves these out or sends null (the service answers missing fields as null); a client
        // generated from a plain "string" or "integer" rejects such an answer.
        Map<String, List<String>> nullable = Map.of(
                "ValidationCode",
                List.of("validationId", "organizationName", "partnerId", "maxCreates", "remainingCreates"),
                "CustomerQualification",
                List.of("qualification", "vettingStatus", "vettingReason", "vettingCreatedDate"),
                "ValidationStatus",
                List.of("status", "lastUpdateDateTime"),
                "PurchaseEligibility",
                List.of("accountStatus"),
                "SyncQualification",
                List.of("qualification"));
        nullable.forEach((schema, fields) -> fields.forEach(
                field -> assertThat(served.at("/components/schemas/" + schema + "/properties/" + field + "/type"))
                        .as(schema + "." + field)
                        .anySatisfy(type -> assertThat(type.asString()).isEqualTo("null"))));
    }

    static void answerDocumented(String answer, Map.Entry<String, JsonNode> response) {
        JsonNode headers = response.getValue().path("headers");
        assertThat(headers.has("X-Correlation-Id"))
                .as(answer + " documents X-Correlation-Id")
                .isTrue();
        if (response.getKey().equals("503")) {
            assertThat(headers.has("Retry-After"))
                    .as(answer + " documents Retry-After")
                    .isTrue();
        }
        response.getValue().path("content").properties().forEach(media -> {
            assertThat(media.getValue().has("schema"))
                    .as(answer + " has a schema")
                    .isTrue();
            if (media.getKey().equals("application/problem+json")) {
                assertThat(media.getValue().has("examples"))
                        .as(answer + " has a problem example")
                        .isTrue();
            }
        });
    }
}
