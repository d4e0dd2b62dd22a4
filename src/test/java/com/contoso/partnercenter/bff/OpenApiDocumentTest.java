package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document portal developers generate clients from. The copy in src/test/resources is what the
 * generated-client test is built from, so it must be the one the service serves; and the served one must pass
 * Redocly's recommended rules.
 */
class OpenApiDocumentTest extends EndToEndTest {

    static final Path SAVED = Path.of("src/test/resources/openapi/partner-center-bff.json");
    static final Path SERVED = Path.of("target/openapi/partner-center-bff.json");
    static final Path JS = Path.of("src/test/js");

    static final JsonMapper json = JsonMapper.builder().build();

    JsonNode served;

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

    /** Members a real answer may leave out; every other member it sends must be documented as required. */
    static final Set<String> OPTIONAL = Set.of(
            "CustomerProblem.upstreamErrorCode",
            "CustomerProblem.upstreamErrorName",
            "CustomerProblem.retryAfter",
            "Problem.upstreamErrorCode",
            "Problem.upstreamErrorName",
            "Problem.retryAfter",
            "Problem.errors");

    static final String DECIDED = "c0ffee00-0000-4000-8000-000000000001";
    static final String UNDER_REVIEW = "c0ffee00-0000-4000-8000-000000000002";
    static final String EDUCATION = "c0ffee00-0000-4000-8000-000000000007";
    static final String NO_QUALIFICATIONS = "c0ffee00-0000-4000-8000-000000000012";
    static final String THROTTLED = "c0ffee00-0000-4000-8000-000000000013";

    @Test
    void everyMemberARealAnswerCarriesIsDocumentedAndRequiredUnlessItCanBeLeftOut() {
        // What generated clients type as always there (no undefined checks) is what the service always sends.
        String reader = EndToEnd.readerToken(issuer);
        String writer = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                Map.of("scp", "partner-center.read partner-center.write"),
                3600);
        String api = "http://127.0.0.1:" + port + "/api/v1";
        holdsTo("get", "/api/v1/gcc-validation-codes", EndToEnd.get(api + "/gcc-validation-codes", reader));
        holdsTo(
                "get",
                "/api/v1/customers/{customerId}/validation-status",
                EndToEnd.get(api + "/customers/" + UNDER_REVIEW + "/validation-status", reader));
        holdsTo(
                "get",
                "/api/v1/customers/{customerId}/qualifications",
                EndToEnd.get(api + "/customers/" + EDUCATION + "/qualifications", reader));
        holdsTo(
                "get",
                "/api/v1/customers/{customerId}/qualification",
                EndToEnd.get(api + "/customers/" + EDUCATION + "/qualification", reader));
        holdsTo(
                "get",
                "/api/v1/customers/{customerId}/purchase-eligibility",
                EndToEnd.get(api + "/customers/" + UNDER_REVIEW + "/purchase-eligibility", reader));
        holdsTo(
                "get",
                "/api/v1/customers/{customerId}/purchase-eligibility",
                EndToEnd.get(api + "/customers/" + THROTTLED + "/purchase-eligibility", reader));
        holdsTo(
                "post",
                "/api/v1/purchase-eligibility/batch",
                EndToEnd.post(
                        api + "/purchase-eligibility/batch",
                        reader,
                        "{\"customerIds\": [\"" + DECIDED + "\", \"" + THROTTLED + "\"]}"));
        holdsTo(
                "post",
                "/api/v1/customers/{customerId}/qualifications",
                EndToEnd.post(
                        api + "/customers/" + NO_QUALIFICATIONS + "/qualifications",
                        writer,
                        "{\"qualification\": \"Education\", \"educationSegment\": \"K12\"}"));
        holdsTo(
                "post",
                "/api/v1/customers/{customerId}/qualifications",
                EndToEnd.post(api + "/customers/" + NO_QUALIFICATIONS + "/qualifications", writer, "{}"));
    }

    @Test
    void conditionalRequestsLastKnownAnswersAndIdempotencyKeysAreDocumented() {
        served.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(entry -> {
                    String where = entry.getKey() + " " + path.getKey();
                    JsonNode operation = entry.getValue();
                    List<String> parameters = operation
                            .path("parameters")
                            .valueStream()
                            .map(parameter -> parameter.path("name").asString())
                            .toList();
                    if (path.getKey().endsWith("/customer-events")) {
                        // A stream is neither conditional nor cached: it is never answered 304, nor from a copy.
                        assertThat(parameters).as(where).doesNotContain("If-None-Match");
                        assertThat(operation.at("/responses/200/content").propertyNames())
                                .containsExactly("text/event-stream");
                        assertThat(operation
                                        .at("/responses/200/content/text~1event-stream/schema/$ref")
                                        .asString())
                                .endsWith("/CustomerEvent");
                        assertThat(operation
                                        .at("/responses/429/content/application~1problem+json")
                                        .isObject())
                                .isTrue();
                    } else if (entry.getKey().equals("get")) {
                        assertThat(parameters).as(where).contains("If-None-Match");
                        assertThat(operation.path("responses").path("304").isObject())
                                .as(where + " documents 304")
                                .isTrue();
                        for (String status : List.of("200", "304")) {
                            assertThat(operation
                                            .at("/responses/" + status + "/headers")
                                            .propertyNames())
                                    .as(where + " " + status)
                                    .contains("ETag", "Cache-Control", "Cache-Status");
                        }
                        // A last-known answer says so, and how old it is.
                        assertThat(operation
                                        .at("/responses/200/headers/Age/schema/type")
                                        .asString())
                                .as(where + " Age")
                                .isEqualTo("integer");
                        assertThat(operation
                                        .at("/responses/200/headers/Cache-Status/description")
                                        .asString())
                                .as(where)
                                .contains("detail=stale-if-error");
                    }
                }));
        JsonNode update = served.at("/paths/~1api~1v1~1customers~1{customerId}~1qualifications/post");
        assertThat(update.path("parameters")
                        .valueStream()
                        .map(parameter -> parameter.path("name").asString()))
                .contains("Idempotency-Key");
        assertThat(update.at("/responses/201/headers").propertyNames()).contains("Idempotent-Replayed", "Location");
        assertThat(update.at("/responses/409/headers").propertyNames()).contains("Retry-After");
        assertThat(update.at("/responses/422/content/application~1problem+json/examples")
                        .propertyNames())
                .contains("idempotency-key-reused");
        assertThat(served.at("/components/schemas/Problem/properties/retryAfter/type")
                        .asString())
                .isEqualTo("integer");
    }

    @Test
    void noStringCarriesAPatternBesideItsEnum() {
        served.findParents("enum")
                .forEach(schema ->
                        assertThat(schema.has("pattern")).as(schema.toString()).isFalse());
    }

    private void holdsTo(String method, String path, java.net.http.HttpResponse<String> answer) {
        String where = method.toUpperCase(java.util.Locale.ROOT) + " " + path + " " + answer.statusCode();
        JsonNode operation = served.path("paths").path(path).path(method);
        JsonNode response = operation.path("responses").path(String.valueOf(answer.statusCode()));
        assertThat(response.isObject()).as(where + " is documented").isTrue();
        String media = answer.headers().firstValue("Content-Type").orElseThrow().replaceFirst(";.*", "");
        JsonNode schema = response.path("content").path(media).path("schema");
        assertThat(schema.isObject()).as(where + " documents " + media).isTrue();
        holdsTo(json.readTree(answer.body()), schema, where);
    }

    private void holdsTo(JsonNode value, JsonNode documented, String where) {
        String name = "";
        JsonNode schema = documented;
        while (schema.has("$ref")) {
            name = schema.get("$ref").asString().replace("#/components/schemas/", "");
            schema = served.path("components").path("schemas").path(name);
        }
        JsonNode resolved = schema;
        if (value.isNull()) {
            assertThat(schema.path("type").valueStream().map(JsonNode::asString))
                    .as(where + " is null, so its type must allow null")
                    .contains("null");
            return;
        }
        if (schema.has("oneOf")) {
            List<JsonNode> matching = schema.get("oneOf")
                    .valueStream()
                    .filter(side -> requiredOf(side).stream().allMatch(value::has))
                    .toList();
            assertThat(matching)
                    .as(where + ": exactly one side of the oneOf has its required members in " + value)
                    .hasSize(1);
            holdsTo(value, matching.get(0), where);
            return;
        }
        if (value.isArray()) {
            JsonNode items = schema.path("items");
            int[] index = {0};
            value.forEach(item -> holdsTo(item, items, where + "[" + index[0]++ + "]"));
            return;
        }
        if (value.isObject()) {
            String schemaName = name;
            List<String> required = requiredOf(resolved);
            assertThat(value.propertyNames())
                    .as(where + " sends every required member")
                    .containsAll(required);
            value.properties().forEach(member -> {
                String at = where + "." + member.getKey();
                assertThat(resolved.path("properties").has(member.getKey()))
                        .as(at + " is documented in " + schemaName)
                        .isTrue();
                assertThat(required.contains(member.getKey()) || OPTIONAL.contains(schemaName + "." + member.getKey()))
                        .as(at + " is always sent, so " + schemaName + " must list it as required")
                        .isTrue();
                holdsTo(member.getValue(), resolved.path("properties").path(member.getKey()), at);
            });
        }
    }

    private List<String> requiredOf(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = served.path("components")
                    .path("schemas")
                    .path(schema.get("$ref").asString().replace("#/components/schemas/", ""));
        }
        return schema.path("required").valueStream().map(JsonNode::asString).toList();
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
