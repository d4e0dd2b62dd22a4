package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A portal's list of customers against the scenario simulator, through the real cache, resilience and
 * tokens: every kind of upstream answer in one batch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A service of its own: its first test needs every customer unasked, and the throttled one ungated.
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class BatchEligibilityTest extends EndToEndTest {

    static final JsonMapper json = JsonMapper.builder().build();

    static String scenario(int n) {
        return "c0ffee00-0000-4000-8000-%012d".formatted(n);
    }

    HttpResponse<String> batch(List<String> customerIds, String correlationId) throws Exception {
        String body = customerIds.stream()
                .map(id -> "\"" + id + "\"")
                .collect(Collectors.joining(",", "{\"customerIds\":[", "]}"));
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/api/v1/purchase-eligibility/batch"))
                                .timeout(Duration.ofSeconds(40))
                                .header("Authorization", "Bearer " + EndToEnd.readerToken(issuer))
                                .header("Content-Type", "application/json")
                                .header("X-Correlation-Id", correlationId)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    // First, while the cache is empty: it checks that every customer was asked.
    @Test
    @Order(1)
    void everyKindOfUpstreamAnswerInOneListEachCallCarryingThePortalsCorrelationId() throws Exception {
        // Scenarios 1 to 17 (18 hangs past the deadline) and three customers Partner Center keeps no status for:
        // more than the batch runs at once, so later calls start on threads that never saw the request.
        List<String> customers = new ArrayList<>(IntStream.rangeClosed(1, 17)
                .mapToObj(BatchEligibilityTest::scenario)
                .toList());
        customers.addAll(List.of(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString()));
        String correlationId = UUID.randomUUID().toString();
        simulator.resetRequests();

        HttpResponse<String> response = batch(customers, correlationId);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode items = json.readTree(response.body()).get("items");
        assertThat(items).hasSize(customers.size());
        for (int i = 0; i < customers.size(); i++) {
            assertThat(items.get(i).get("customerId").asString()).isEqualTo(customers.get(i));
        }
        assertThat(items.get(0).get("eligible").asBoolean()).isTrue();
        assertThat(items.get(1).get("eligible").asBoolean()).isFalse();
        assertThat(items.get(5).get("accountStatus").isNull()).isTrue();
        JsonNode throttled = items.get(12);
        assertThat(throttled.get("status").asInt()).isEqualTo(503);
        assertThat(throttled.get("retryAfter").asLong()).isEqualTo(57);
        assertThat(throttled.get("retryable").asBoolean()).isTrue();
        assertThat(items.get(13).get("eligible").asBoolean())
                .as("transient failure retried")
                .isTrue();
        assertThat(items.get(14).get("status").asInt()).isEqualTo(502);
        assertThat(items.get(15).get("eligible").asBoolean())
                .as("slow but in time")
                .isTrue();
        assertThat(items.get(16).get("status").asInt()).as("connection reset").isEqualTo(502);
        assertThat(items.get(19).get("eligible").asBoolean()).isTrue();

        List<LoggedRequest> calls = simulator.findAll(getRequestedFor(urlPathMatching(".*/validationStatus")));
        assertThat(calls)
                .extracting(call -> call.getUrl().split("/")[3])
                .as("every customer asked")
                .containsAll(customers);
        assertThat(calls).extracting(call -> call.getHeader("MS-CorrelationId")).containsOnly(correlationId);
        assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue(correlationId);
    }

    @Test
    void aChunkedBodyIsCutOffWhereItPassesTheLimit() throws Exception {
        // No Content-Length: the limit can only be kept by counting while reading.
        byte[] body = ("{\"customerIds\":[\"" + "x".repeat(200 * 1024) + "\"]}").getBytes();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/api/v1/purchase-eligibility/batch"))
                                .timeout(Duration.ofSeconds(20))
                                .header("Authorization", "Bearer " + EndToEnd.readerToken(issuer))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json.readTree(response.body()).get("type").asString())
                .isEqualTo("urn:partner-center-bff:problem:request-too-large");
    }

    @Test
    @Order(2)
    void aSecondListAsksPartnerCenterOnlyForWhatItCouldNotAnswer() throws Exception {
        // Two customers with a status (answers are cached) and one that always fails (errors never are).
        List<String> customers = List.of(scenario(3), scenario(15), scenario(4));
        batch(customers, UUID.randomUUID().toString());
        simulator.resetRequests();

        HttpResponse<String> again = batch(customers, UUID.randomUUID().toString());

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Cache-Status")).hasValue("partner-center-bff; fwd=miss");
        assertThat(simulator.findAll(getRequestedFor(urlPathMatching(".*/validationStatus"))))
                .extracting(LoggedRequest::getUrl)
                .allMatch(url -> url.contains(scenario(15)), "only the failed customer is asked again")
                .isNotEmpty();

        HttpResponse<String> decided =
                batch(List.of(scenario(4), scenario(3)), UUID.randomUUID().toString());
        assertThat(decided.headers().firstValue("Cache-Status")).hasValue("partner-center-bff; hit");
    }
}
