package com.contoso.partnercenter.bff.partnercenter.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.TestClock;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The cache's last-known answers, on a clock the test moves: what stands in for which failure, and for how long. */
@ExtendWith(OutputCaptureExtension.class)
class LastKnownAnswersTest {

    static final TypeReference<String> TEXT = new TypeReference<>() {};
    static final Operation STATUS = Operation.VALIDATION_STATUS;
    static final PartnerCenterException CIRCUIT_OPEN =
            PartnerCenterException.circuitOpen(STATUS, Duration.ofSeconds(10));

    final TestClock clock = new TestClock(Instant.parse("2026-12-03T10:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    ResponseCache cache(Duration staleIfError, long lastKnownMaxSize) {
        PartnerCenterProperties settings = Fixture.settings(
                "deadline=5s",
                "cache.ttl=30s",
                "cache.max-size=1000",
                "cache.stale-if-error=" + staleIfError.toMillis() + "ms",
                "cache.last-known-max-size=" + lastKnownMaxSize);
        var alone = new InMemoryFleetState("test:", clock);
        var shared = new SharedAnswers(alone, JsonMapper.shared(), settings, clock);
        return new ResponseCache(
                settings, shared, new LastKnownAnswers(settings, shared, meters, clock), meters, clock);
    }

    static Answered ask(ResponseCache cache, String customer, Mono<String> partnerCenter) {
        return ask(cache, customer, partnerCenter, answer -> true);
    }

    static Answered ask(ResponseCache cache, String customer, Mono<String> partnerCenter, Predicate<String> ok) {
        CacheStatus status = new CacheStatus();
        String answer = cache.get(STATUS, customer, TEXT, () -> partnerCenter, ok)
                .contextWrite(context -> context.put(CacheStatus.class, status))
                .block();
        return new Answered(answer, status);
    }

    record Answered(String value, CacheStatus status) {}

    double staleAnswers() {
        return meters.counter(LastKnownAnswers.METER, "operation", STATUS.instanceName())
                .count();
    }

    @Test
    void pastItsTtlTheLastAnswerStandsInForAnOutageAndSaysHowStaleItIs() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("UnderReview"));
        clock.advance(Duration.ofSeconds(42));

        Answered stale = ask(cache, "c1", Mono.error(CIRCUIT_OPEN));

        assertThat(stale.value()).isEqualTo("UnderReview");
        assertThat(stale.status().headerValue()).isEqualTo("partner-center-bff; hit; ttl=-12; detail=stale-if-error");
        assertThat(stale.status().age()).isEqualTo(42);
        assertThat(stale.status().freshUntil()).isEqualTo(Instant.parse("2026-12-03T10:00:30Z"));
        assertThat(staleAnswers()).isEqualTo(1);
    }

    @Test
    void everyWayPartnerCenterCannotAnswerIsStoodInForButItsOwnRefusalsStand() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("Allowed"));
        clock.advance(Duration.ofMinutes(5));

        for (int status : new int[] {500, 503, 429, 408}) {
            var failure = PartnerCenterException.fromUpstream(STATUS, status, UpstreamError.NONE, null);
            assertThat(ask(cache, "c1", Mono.error(failure)).value())
                    .as("upstream %d", status)
                    .isEqualTo("Allowed");
        }
        var timeout = PartnerCenterException.deadlineExceeded(STATUS, Duration.ofSeconds(25));
        assertThat(ask(cache, "c1", Mono.error(timeout)).value()).isEqualTo("Allowed");
        var unreachable = PartnerCenterException.connectionFailed(STATUS, new java.net.ConnectException("refused"));
        assertThat(ask(cache, "c1", Mono.error(unreachable)).value()).isEqualTo("Allowed");
        var gate = PartnerCenterException.gateClosed(STATUS, Duration.ofSeconds(30));
        assertThat(ask(cache, "c1", Mono.error(gate)).value()).isEqualTo("Allowed");

        for (int status : new int[] {400, 401, 403, 404, 409}) {
            var refusal = PartnerCenterException.fromUpstream(STATUS, status, UpstreamError.NONE, null);
            assertThatThrownBy(() -> ask(cache, "c1", Mono.error(refusal)))
                    .as("upstream %d", status)
                    .isSameAs(refusal);
        }
    }

    @Test
    void partnerCenterSayingTheAnswerIsGoneForgetsTheLastKnownOne() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("UnderReview"));
        clock.advance(Duration.ofSeconds(31));
        var gone = PartnerCenterException.fromUpstream(STATUS, 404, UpstreamError.NONE, null);
        assertThatThrownBy(() -> ask(cache, "c1", Mono.error(gone))).isSameAs(gone);

        assertThatThrownBy(() -> ask(cache, "c1", Mono.error(CIRCUIT_OPEN))).isSameAs(CIRCUIT_OPEN);
    }

    @Test
    void anAnswerOlderThanStaleIfErrorIsNotUsed() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("UnderReview"));

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(ask(cache, "c1", Mono.error(CIRCUIT_OPEN)).value()).isEqualTo("UnderReview");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> ask(cache, "c1", Mono.error(CIRCUIT_OPEN))).isSameAs(CIRCUIT_OPEN);
    }

    @Test
    void aNewerAnswerIsKeptForStaleIfErrorFromWhenItCame() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("UnderReview"));
        clock.advance(Duration.ofHours(23));
        ask(cache, "c1", Mono.just("Allowed"));
        clock.advance(Duration.ofHours(2));

        assertThat(ask(cache, "c1", Mono.error(CIRCUIT_OPEN)).value()).isEqualTo("Allowed");
    }

    @Test
    void offAtZero() {
        ResponseCache cache = cache(Duration.ZERO, 100);
        ask(cache, "c1", Mono.just("UnderReview"));
        clock.advance(Duration.ofSeconds(31));

        assertThatThrownBy(() -> ask(cache, "c1", Mono.error(CIRCUIT_OPEN))).isSameAs(CIRCUIT_OPEN);
    }

    @Test
    void aCallerMayRefuseALastKnownAnswer() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("Allowed"));
        clock.advance(Duration.ofSeconds(31));

        assertThatThrownBy(() -> ask(cache, "c1", Mono.error(CIRCUIT_OPEN), "UnderReview"::equals))
                .isSameAs(CIRCUIT_OPEN);
        assertThat(staleAnswers()).isZero();
    }

    @Test
    void anUpdateDropsTheCustomersLastKnownAnswers() {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("UnderReview"));
        ask(cache, "c2", Mono.just("UnderReview"));
        cache.invalidate("c1").block();
        clock.advance(Duration.ofSeconds(31));

        assertThatThrownBy(() -> ask(cache, "c1", Mono.error(CIRCUIT_OPEN))).isSameAs(CIRCUIT_OPEN);
        assertThat(ask(cache, "c2", Mono.error(CIRCUIT_OPEN)).value()).isEqualTo("UnderReview");
    }

    @Test
    void theyAreBoundedByCount() {
        ResponseCache cache = cache(Duration.ofHours(24), 5);
        IntStream.range(0, 50).forEach(i -> ask(cache, "c" + i, Mono.just("UnderReview")));
        clock.advance(Duration.ofSeconds(31));

        long answered = IntStream.range(0, 50)
                .filter(i -> {
                    try {
                        return ask(cache, "c" + i, Mono.error(CIRCUIT_OPEN)).value() != null;
                    } catch (PartnerCenterException refused) {
                        return false;
                    }
                })
                .count();

        assertThat(answered).isBetween(1L, 5L);
    }

    @Test
    void oneLineWhenAReplicaStartsAnsweringThemAndOneWhenItStops(CapturedOutput output) {
        ResponseCache cache = cache(Duration.ofHours(24), 100);
        ask(cache, "c1", Mono.just("UnderReview"));
        ask(cache, "c2", Mono.just("Allowed"));
        clock.advance(Duration.ofSeconds(31));

        ask(cache, "c1", Mono.error(CIRCUIT_OPEN));
        ask(cache, "c2", Mono.error(CIRCUIT_OPEN));
        ask(cache, "c3", Mono.just("Allowed")); // one customer answered while the others fail: not over yet
        ask(cache, "c1", Mono.error(CIRCUIT_OPEN));
        clock.advance(Duration.ofSeconds(61));
        ask(cache, "c4", Mono.just("Allowed"));
        ask(cache, "c5", Mono.just("Allowed"));

        assertThat(output.getOut().lines().filter(line -> line.contains("answering last-known answers")))
                .singleElement()
                .asString()
                .contains("WARN", "validation-status", "circuit-open", "PT24H");
        assertThat(output.getOut().lines().filter(line -> line.contains("no more last-known answers")))
                .singleElement()
                .asString()
                .contains("INFO", "validation-status");
        assertThat(staleAnswers()).isEqualTo(3);
    }
}
