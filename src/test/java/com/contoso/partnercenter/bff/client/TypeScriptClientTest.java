package com.contoso.partnercenter.bff.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.EndToEndTest;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The TypeScript client of clients/typescript as a portal team uses it: its types are the ones openapi-typescript
 * makes from the saved OpenAPI document, it and the example portal module compile under tsc --strict without a
 * non-null assertion, and the example reads every operation's answer from the running service.
 */
class TypeScriptClientTest extends EndToEndTest {

    static final Path CLIENT = Path.of("clients/typescript");
    static final Path SAVED_DOCUMENT = Path.of("src/test/resources/openapi/partner-center-bff.json");

    @BeforeAll
    static void compile() throws Exception {
        assertThat(CLIENT.resolve("node_modules/typescript"))
                .as("npm ci in clients/typescript (the build runs it)")
                .exists();
        Ran tsc = node(List.of("node_modules/typescript/bin/tsc", "-p", "."));
        assertThat(tsc.exit).as("tsc --strict:\n" + tsc.output).isZero();
    }

    @Test
    void itsTypesAreTheOnesGeneratedFromTheSavedDocument() throws Exception {
        Path generated = Files.createTempFile("schema", ".ts");
        Ran generate = node(List.of(
                "node_modules/openapi-typescript/bin/cli.js",
                SAVED_DOCUMENT.toAbsolutePath().toString(),
                "-o",
                generated.toString()));
        assertThat(generate.exit).as(generate.output).isZero();
        assertThat(Files.readString(generated))
                .as("clients/typescript/src/schema.ts is not what the saved document generates: run npm run generate"
                        + " in clients/typescript")
                .isEqualTo(Files.readString(CLIENT.resolve("src/schema.ts")));
    }

    @Test
    void itCompilesStrictlyWithoutANonNullAssertion() throws Exception {
        JsonNode config = JsonMapper.builder().build().readTree(Files.readString(CLIENT.resolve("tsconfig.json")));
        assertThat(config.at("/compilerOptions/strict").asBoolean()).isTrue();
        assertThat(config.at("/include").toString()).contains("src", "example");
        Ran check = node(List.of("scripts/no-non-null-assertions.mjs", "src", "example"));
        assertThat(check.exit).as(check.output).isZero();
    }

    @Test
    void theExamplePortalGetsEveryOperationsAnswerFromTheService() throws Exception {
        // An hour on the service's clock, which other tests on the same service moved on: the stream of events
        // ends when the token expires by that clock.
        long ahead = java.time.Duration.between(java.time.Instant.now(), clock.instant())
                .toSeconds();
        String token = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                java.util.Map.of("scp", "partner-center.read partner-center.write"),
                ahead + 3600);
        Ran example = node(List.of("example/run.mjs", "http://127.0.0.1:" + port, token));
        assertThat(example.exit).as(example.output).isZero();
        JsonNode tour = JsonMapper.builder().build().readTree(example.output);

        assertThat(tour.path("codes")).isNotEmpty();
        assertThat(tour.at("/page/canPurchase").asBoolean()).isTrue();
        assertThat(tour.at("/page/qualifications").toString()).isEqualTo("[\"Education: Approved\"]");
        assertThat(tour.at("/page/legacyQualification").asString()).isEqualTo("Education");
        // The page read again: four conditional GETs, each a 304 the client answered from its copy.
        assertThat(tour.path("pageAgain").toString()).isEqualTo("[304,304,304,304]");
        assertThat(tour.at("/education/vettingStatus").asString()).isEqualTo("InReview");
        assertThat(tour.at("/education/replayed").asBoolean()).isFalse();
        assertThat(tour.at("/educationAgain/replayed").asBoolean()).isTrue();
        assertThat(tour.at("/basket/allowed").toString()).contains("000000000001");
        assertThat(tour.at("/basket/blocked/0/customerId").asString()).endsWith("000000000002");
        assertThat(tour.at("/basket/failed/0/status").asInt()).isEqualTo(503);
        assertThat(tour.at("/basket/failed/0/retryable").asBoolean()).isTrue();
        assertThat(tour.at("/throttled/status").asInt()).isEqualTo(503);
        assertThat(tour.at("/throttled/retryable").asBoolean()).isTrue();
        assertThat(tour.at("/throttled/retryAfter").asInt()).isPositive();
        assertThat(tour.at("/throttled/correlationId").asString()).matches("[0-9a-f-]{36}");
        // The list view over watchCustomers: drawn from the stream's first states, then again after an update.
        assertThat(tour.at("/list/first/0/accountStatus").asString()).isEqualTo("UnderReview");
        assertThat(tour.at("/list/first/0/canPurchase").asBoolean()).isFalse();
        assertThat(tour.at("/list/first/1/qualifications").toString()).doesNotContain("Education");
        assertThat(tour.at("/list/afterUpdate/1/qualifications").toString()).contains("Education: InReview");
    }

    record Ran(int exit, String output) {}

    static Ran node(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(arguments);
        Path output = Files.createTempFile("node", ".txt");
        Process process = new ProcessBuilder(command)
                .directory(CLIENT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node " + arguments + " did not finish in 120 s");
        }
        return new Ran(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
