package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests derived from the service's own served OpenAPI document, hostile values included, sent over a raw
 * socket against the simulated Partner Center; every answer must keep the contract's promises:
 *
 * <ul>
 *   <li>never a 500;
 *   <li>every error is {@code application/problem+json} with {@code type}, {@code title}, {@code status} (its
 *       own), {@code detail} and {@code correlationId}, the same id as its {@code X-Correlation-Id};
 *   <li>every 2xx body is JSON, valid against the schema the document gives for it.
 * </ul>
 *
 * The seed is random and printed with any failure; {@code -Dfuzz.seed=…} replays a run, {@code
 * -Dfuzz.requests=…} sets its length (600).
 */
@TestPropertySource(
        properties = {
            // Short waits, so the slow and failing customers keep the run short.
            "partner-center.deadline=2s",
            "resilience4j.timelimiter.configs.default.timeout-duration=1s",
            "resilience4j.retry.configs.default.wait-duration=10ms",
        })
class ApiFuzzTest extends EndToEndTest {

    static final JsonMapper json = JsonMapper.shared();

    static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE");
    static final List<String> HOSTILE_SEGMENTS = List.of(
            "",
            "..",
            "..%2F..%2Fall",
            "%2F",
            "%5C",
            "%00",
            "%ff%fe",
            "%c3%28",
            "%zz",
            "%",
            "%25",
            "a%20b",
            "%3Cscript%3E",
            "x".repeat(3_000),
            "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a;x=1",
            "0F2D5C61-8C6E-4A55-A8B2-3F9B6C1D2E4A",
            "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4",
            "%C3%BC",
            "all");
    static final List<String> QUERY_VALUES =
            List.of("account", "ACCOUNT", "Account", "", "x", "%e9", "%zz", "%", "%00", "a%26b=c", "%C3%BC");
    static final List<String> ACCEPTS = List.of(
            "application/json",
            "*/*",
            "application/problem+json",
            "application/*",
            "text/html",
            "application/xml",
            "][",
            "x/y;q=bad",
            "application/json;q=0",
            "application/json, text/plain;q=0.5");
    static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=iso-8859-1",
            "text/plain",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "][",
            "application/problem+json");
    static final List<String> CORRELATION_IDS =
            List.of("0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a", "not-a-guid", "", "x".repeat(500), "%0d%0aX-Forged: 1");

    /** One documented operation: its method, path template, parameters, request body and answers. */
    record Operation(String method, String template, JsonNode spec) {}

    @Test
    void everyAnswerToRequestsDerivedFromTheDocumentKeepsTheContract() {
        long seed = Long.getLong("fuzz.seed", new Random().nextLong());
        int requests = Integer.getInteger("fuzz.requests", 600);
        JsonNode document = json.readTree(RawHttp.get(port, "/v3/api-docs").body());
        List<Operation> operations = operations(document);
        SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        var random = new Random(seed);
        List<String> tokens = tokens();
        Map<String, Integer> seen = new TreeMap<>();

        for (int i = 0; i < requests; i++) {
            Operation operation = operations.get(random.nextInt(operations.size()));
            String method = random.nextInt(10) < 8 ? operation.method() : pick(random, METHODS);
            String target = target(random, operation);
            List<String> headers = new ArrayList<>();
            String token = pick(random, tokens);
            if (token != null) {
                headers.addAll(List.of("Authorization", token));
            }
            if (random.nextInt(3) == 0) {
                headers.addAll(List.of("Accept", pick(random, ACCEPTS)));
            }
            if (random.nextBoolean()) {
                headers.addAll(List.of("X-Correlation-Id", pick(random, CORRELATION_IDS)));
            }
            byte[] body = null;
            if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH") || random.nextInt(10) == 0) {
                body = body(random, operation, document);
                headers.addAll(List.of(
                        "Content-Type", random.nextInt(4) > 0 ? "application/json" : pick(random, CONTENT_TYPES)));
            }

            RawHttp.Answer answer = RawHttp.send(port, method, target, body, headers.toArray(String[]::new));

            String request = "seed " + seed + ", request " + i + ": " + method + " " + abbreviated(target) + " "
                    + headers.stream().map(ApiFuzzTest::abbreviated).toList() + " body "
                    + (body == null ? "none" : abbreviated(new String(body, StandardCharsets.UTF_8)))
                    + "\n→ " + answer.status() + " " + answer.headers() + " " + abbreviated(answer.body());
            seen.merge(answer.status() + " " + method, 1, Integer::sum);
            keepsTheContract(request, method, operation, answer, document, schemas);
        }
        // The run reached the service's answers, not only its refusals.
        assertThat(seen.keySet()).as(seen.toString()).anyMatch(key -> key.startsWith("200 GET"));
        System.out.println("ApiFuzzTest seed " + seed + ": " + seen);
    }

    static void keepsTheContract(
            String request,
            String method,
            Operation operation,
            RawHttp.Answer answer,
            JsonNode document,
            SchemaRegistry schemas) {
        assertThat(answer.status()).as(request).isNotEqualTo(500).isLessThan(600);
        String correlationId = answer.header("X-Correlation-Id");
        assertThat(correlationId).as(request).isNotBlank();
        if (answer.status() >= 400) {
            assertThat(answer.header("Content-Type")).as(request).startsWith("application/problem+json");
            if (method.equals("HEAD")) {
                return; // a HEAD answer has no body to check
            }
            JsonNode problem = json.readTree(answer.body());
            for (String member : List.of("type", "title", "status", "detail", "correlationId")) {
                assertThat(problem.hasNonNull(member))
                        .as(member + " in " + request)
                        .isTrue();
            }
            assertThat(problem.get("status").asInt()).as(request).isEqualTo(answer.status());
            assertThat(problem.get("correlationId").asString()).as(request).isEqualTo(correlationId);
            assertThat(answer.body()).as(request).doesNotContain("Exception", "\tat ");
            return;
        }
        if (answer.status() >= 200 && answer.status() < 300 && method.equals(operation.method())) {
            assertThat(answer.header("Content-Type")).as(request).startsWith("application/json");
            JsonNode schema = operation
                    .spec()
                    .path("responses")
                    .path(Integer.toString(answer.status()))
                    .path("content")
                    .path("application/json")
                    .path("schema");
            assertThat(schema.isMissingNode())
                    .as("the document has a schema for " + request)
                    .isFalse();
            List<com.networknt.schema.Error> errors =
                    validator(schemas, document, schema).validate(json.readTree(answer.body()));
            assertThat(errors).as(request).isEmpty();
        }
    }

    // The answer's schema, with the document's components beside it so its $refs resolve.
    static Schema validator(SchemaRegistry schemas, JsonNode document, JsonNode schema) {
        ObjectNode root = json.createObjectNode();
        root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        root.set("components", document.get("components"));
        root.putArray("allOf").add(schema);
        return schemas.getSchema(root);
    }

    static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(entry -> operations.add(new Operation(
                                entry.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), entry.getValue()))));
        assertThat(operations).hasSizeGreaterThanOrEqualTo(7);
        return operations;
    }

    List<String> tokens() {
        List<String> audience = List.of(LocalTokenIssuer.AUDIENCE);
        String writer =
                EndToEnd.token(issuer, audience, Map.of("scp", "partner-center.read partner-center.write"), 3600);
        String reader = EndToEnd.readerToken(issuer);
        String roles = EndToEnd.token(issuer, audience, Map.of("roles", List.of("partner-center.read")), 3600);
        String otherAudience =
                EndToEnd.token(issuer, List.of("api://someone-else"), Map.of("scp", "partner-center.read"), 3600);
        var tokens = new ArrayList<String>();
        for (int i = 0; i < 12; i++) {
            tokens.add("Bearer " + writer);
        }
        tokens.addAll(List.of(
                "Bearer " + reader,
                "Bearer " + roles,
                "Bearer " + otherAudience,
                "Bearer " + writer.substring(0, writer.length() - 5),
                "Bearer ][",
                "Basic dXNlcjpwYXNz",
                "Bearer"));
        tokens.add(null);
        return tokens;
    }

    static String target(Random random, Operation operation) {
        String path = operation.template();
        while (path.contains("{")) {
            int open = path.indexOf('{');
            int close = path.indexOf('}', open);
            path = path.substring(0, open) + segment(random) + path.substring(close + 1);
        }
        List<String> query = new ArrayList<>();
        for (JsonNode parameter : operation.spec().path("parameters")) {
            if (parameter.path("in").asString().equals("query") && random.nextBoolean()) {
                query.add(parameter.get("name").asString() + "=" + pick(random, QUERY_VALUES));
            }
        }
        if (random.nextInt(6) == 0) {
            query.add(pick(random, List.of("x", "%e9", "%zz", "type", "a[b]", "")) + "=" + pick(random, QUERY_VALUES));
        }
        return query.isEmpty() ? path : path + "?" + String.join("&", query);
    }

    static String segment(Random random) {
        return random.nextInt(5) == 0 ? pick(random, HOSTILE_SEGMENTS) : customer(random);
    }

    // A simulated customer (every scenario but the slow and hanging ones, which only cost time), or anyone.
    static String customer(Random random) {
        int customer = 1 + random.nextInt(18);
        return customer >= 16 ? UUID.randomUUID().toString() : String.format("c0ffee00-0000-4000-8000-%012d", customer);
    }

    static byte[] body(Random random, Operation operation, JsonNode document) {
        return switch (random.nextInt(12)) {
            case 0, 1, 2, 8, 9, 10, 11 -> valid(random, operation);
            case 3 -> "{\"qualification\": 12, \"customerIds\": {\"a\": [null]}}".getBytes(StandardCharsets.UTF_8);
            case 4 -> "{\"customerIds\": [".getBytes(StandardCharsets.UTF_8);
            case 5 -> new byte[0];
            case 6 -> ("{\"customerIds\":[\"" + "x".repeat(70 * 1024) + "\"]}").getBytes(StandardCharsets.UTF_8);
            case 7 -> "a=%zz&b=%e9".getBytes(StandardCharsets.ISO_8859_1);
            default -> new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}; // not UTF-8
        };
    }

    // A body the operation documents, with values a portal would send, and some it would not.
    static byte[] valid(Random random, Operation operation) {
        ObjectNode body = json.createObjectNode();
        if (operation.template().endsWith("/batch")) {
            var ids = body.putArray("customerIds");
            int size = random.nextInt(8) == 0 ? 101 : 1 + random.nextInt(6);
            for (int i = 0; i < size; i++) {
                ids.add(random.nextInt(12) == 0 ? pick(random, HOSTILE_SEGMENTS) : customer(random));
            }
        } else {
            body.put(
                    "qualification",
                    pick(
                            random,
                            List.of("Education", "GovernmentCommunityCloud", "StateOwnedEntity", "Nonprofit", "")));
            if (random.nextInt(3) > 0) {
                body.put("validationCode", pick(random, List.of("12345", "987654", "00000", "", "x".repeat(200))));
            }
            if (random.nextBoolean()) {
                body.put("educationSegment", "K12");
            }
        }
        return json.writeValueAsBytes(body);
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    static String abbreviated(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
