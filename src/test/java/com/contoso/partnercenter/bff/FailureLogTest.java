package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The contract's logs: one line per failed call, after its retries, with its own correlation id, and no stack
 * trace for an expected failure. The simulator's failing customers (no account status, throttled, permanent
 * failure, connection reset, hanging) are asked one after another, then again all at once together with
 * customers Partner Center keeps no status for, each request with its own id (and its own customer, so no two
 * share one upstream call), and the lines they wrote are counted.
 */
@TestPropertySource(
        properties = {
            // The hanging customer cut at 2 s. The cache is on: failed loads once wrote a WARN with a stack trace.
            "partner-center.deadline=2s",
            "resilience4j.timelimiter.configs.default.timeout-duration=1s",
            "resilience4j.retry.configs.default.wait-duration=10ms",
        })
@ExtendWith(OutputCaptureExtension.class)
class FailureLogTest extends EndToEndTest {

    static final List<String> FAILING = List.of(
            PartnerCenterSimulator.NO_STATUS,
            PartnerCenterSimulator.THROTTLED,
            PartnerCenterSimulator.PERMANENT_FAILURE,
            PartnerCenterSimulator.DOWN,
            PartnerCenterSimulator.HANGS);

    record Request(String customer, String correlationId) {}

    RawHttp.Answer ask(String token, Request request) {
        return RawHttp.get(
                port,
                "/api/v1/customers/" + request.customer() + "/validation-status",
                "Authorization",
                "Bearer " + token,
                "X-Correlation-Id",
                request.correlationId());
    }

    @Test
    void eachFailedCallWritesOneLineWithItsOwnCorrelationIdAndNoStackTrace(CapturedOutput output) {
        String token = EndToEnd.readerToken(issuer);
        ask(token, new Request(PartnerCenterSimulator.ALLOWED, UUID.randomUUID().toString())); // the first token
        int before = output.getOut().length();

        List<Request> requests = new ArrayList<>();
        for (String customer : FAILING) {
            requests.add(new Request(customer, UUID.randomUUID().toString()));
        }
        requests.forEach(request -> assertThat(ask(token, request).status()).isGreaterThanOrEqualTo(404));
        List<Request> together = java.util.stream.Stream.concat(
                        FAILING.stream(),
                        IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID().toString()))
                .map(customer -> new Request(customer, UUID.randomUUID().toString()))
                .toList();
        together.stream()
                .map(request -> CompletableFuture.supplyAsync(() -> ask(token, request)))
                .toList()
                .forEach(answer -> assertThat(answer.join().status()).isGreaterThanOrEqualTo(404));
        requests.addAll(together);
        // And one that succeeds: it writes nothing.
        Request fine =
                new Request(PartnerCenterSimulator.ALLOWED, UUID.randomUUID().toString());
        assertThat(ask(token, fine).status()).isEqualTo(200);

        List<String> lines = output.getOut().substring(before).lines().toList();
        assertThat(lines).as("one line per failed call").hasSize(requests.size());
        for (Request request : requests) {
            assertThat(lines)
                    .as("the line of %s", request)
                    .filteredOn(line -> line.contains(request.correlationId()))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains(request.customer(), "failed: "))
                    // Written on a Reactor thread, the line has the request's whole context: its trace and portal.
                    .satisfies(
                            line -> assertThat(line).containsPattern(request.correlationId() + ",[0-9a-f]{32},other]"));
        }
        assertThat(lines).noneMatch(line -> line.contains(fine.correlationId()));
        assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception in"));
    }

    @Test
    void aBatchWritesOneLinePerFailedCustomerWithTheBatchsCorrelationId(CapturedOutput output) {
        String token =
                EndToEnd.token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", "partner-center.read"), 3600);
        String correlationId = UUID.randomUUID().toString();
        int before = output.getOut().length();

        RawHttp.Answer answer = RawHttp.send(
                port,
                "POST",
                "/api/v1/purchase-eligibility/batch",
                ("{\"customerIds\": [\"" + PartnerCenterSimulator.ALLOWED + "\", \""
                                + PartnerCenterSimulator.PERMANENT_FAILURE + "\", \"" + PartnerCenterSimulator.DOWN
                                + "\"]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json",
                "X-Correlation-Id",
                correlationId);

        assertThat(answer.status()).isEqualTo(200);
        List<String> lines = output.getOut().substring(before).lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).contains(correlationId));
        assertThat(lines)
                .anySatisfy(line -> assertThat(line).contains(PartnerCenterSimulator.PERMANENT_FAILURE))
                .anySatisfy(line -> assertThat(line).contains(PartnerCenterSimulator.DOWN));
    }
}
