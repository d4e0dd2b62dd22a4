package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.EventStream;
import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The watch across a fleet on a real redis-server: one replica reads a customer for all, every replica's streams
 * hear the change, the other replica takes over when the reader stops, a stopping replica's streams end at once,
 * and an update through one replica reaches a stream on the other within 2 s.
 */
class FleetWatchTest {

    static final Duration SOON = Duration.ofSeconds(5);
    static final Duration INTERVAL = Duration.ofSeconds(3);

    // The test run's simulator and issuer; a Redis of its own.
    static final WireMockServer partnerCenter = Fixture.simulator();
    static final MockOAuth2Server issuer = Fixture.issuer();
    static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
        Fixture.resetSimulator();
    }

    static int statusReadings(String customer) {
        return partnerCenter
                .findAll(getRequestedFor(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus")))
                .size();
    }

    // Every reading the replica made, whatever its outcome.
    static double readingsOf(Fleet.Replica replica) {
        Matcher line = Pattern.compile("(?m)^partner_center_watch_readings_total\\{[^}]*} (\\S+)$")
                .matcher(replica.management("/actuator/prometheus").body());
        double sum = 0;
        while (line.find()) {
            sum += Double.parseDouble(line.group(1));
        }
        return sum;
    }

    static double streamsOpen(Fleet.Replica replica) {
        Matcher line = Pattern.compile("(?m)^partner_center_watch_streams(\\{[^}]*})? (\\S+)$")
                .matcher(replica.management("/actuator/prometheus").body());
        return line.find() ? Double.parseDouble(line.group(2)) : Double.NaN;
    }

    @Test
    void oneReplicaReadsForTheFleetAndTheOtherTakesOverWhenItStops() throws Exception {
        String customer = PartnerCenterSimulator.UNDER_REVIEW;
        try (Fleet fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer))
                        .with("partner-center.watch.interval", "3s");
                EventStream onA =
                        EventStream.open(fleet.start().port, EndToEnd.readerToken(issuer), List.of(customer));
                EventStream onB =
                        EventStream.open(fleet.start().port, EndToEnd.readerToken(issuer), List.of(customer))) {
            Fleet.Replica a = fleet.replicas().get(0);
            Fleet.Replica b = fleet.replicas().get(1);
            for (EventStream stream : List.of(onA, onB)) {
                assertThat(stream.next(SOON)
                                .data()
                                .at("/validationStatus/status")
                                .asString())
                        .isEqualTo("UnderReview");
            }

            // Four intervals: four readings for the fleet, not eight, all by one replica.
            int before = statusReadings(customer);
            await().pollDelay(INTERVAL.multipliedBy(4))
                    .atMost(INTERVAL.multipliedBy(5))
                    .until(() -> true);
            assertThat(statusReadings(customer) - before).isBetween(3, 5);
            assertThat(readingsOf(a) == 0)
                    .as("one reader: a %s, b %s", readingsOf(a), readingsOf(b))
                    .isNotEqualTo(readingsOf(b) == 0);

            partnerCenter.setScenarioState(PartnerCenterSimulator.REVIEW, PartnerCenterSimulator.REVIEW_DECIDED);
            for (EventStream stream : List.of(onA, onB)) {
                EventStream.Event changed = stream.next(INTERVAL.plusSeconds(2));
                assertThat(changed)
                        .as("the change on every replica's stream within an interval")
                        .isNotNull();
                assertThat(changed.data().at("/eligibility/eligible").asBoolean())
                        .isTrue();
            }

            boolean aReads = readingsOf(a) > 0;
            Fleet.Replica reader = aReads ? a : b;
            Fleet.Replica other = aReads ? b : a;
            EventStream onReader = aReads ? onA : onB;
            EventStream onOther = aReads ? onB : onA;
            long stopping = System.nanoTime();
            reader.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping))
                    .as("a stopping replica does not wait on its open streams")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(onReader.endsWithin(Duration.ZERO))
                    .as("its streams ended")
                    .isTrue();

            double otherBefore = readingsOf(other);
            await().atMost(INTERVAL.multipliedBy(2).plusSeconds(1)).until(() -> readingsOf(other) > otherBefore);
            partnerCenter.resetScenarios();
            EventStream.Event back = onOther.next(INTERVAL.plusSeconds(2));
            assertThat(back).as("the other replica reads now").isNotNull();
            assertThat(back.data().at("/validationStatus/status").asString()).isEqualTo("UnderReview");

            // The last stream closes: seen at the next keep-alive, then no more readings.
            onOther.close();
            await().atMost(INTERVAL.multipliedBy(3)).until(() -> streamsOpen(other) == 0);
            await().pollDelay(INTERVAL).atMost(INTERVAL.plusSeconds(1)).until(() -> true);
            int last = statusReadings(customer);
            await().during(INTERVAL.multipliedBy(2))
                    .atMost(INTERVAL.multipliedBy(3))
                    .until(() -> statusReadings(customer) == last);
        }
    }

    @Test
    void anUpdateThroughOneReplicaReachesAStreamOnTheOtherWithinTwoSeconds() throws Exception {
        String customer = UUID.randomUUID().toString();
        // An interval of a minute: an event within 2 s is the update's, not a reading's.
        try (Fleet fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer))
                        .with("partner-center.watch.interval", "1m");
                EventStream onB =
                        EventStream.open(fleet.start().port, EndToEnd.readerToken(issuer), List.of(customer))) {
            Fleet.Replica a = fleet.start();
            assertThat(onB.next(SOON).data().at("/qualifications/items").size()).isZero();

            String writer = EndToEnd.token(
                    issuer,
                    List.of(LocalTokenIssuer.AUDIENCE),
                    Map.of("scp", "partner-center.read partner-center.write"),
                    3600);
            assertThat(a.post(
                                    "/api/v1/customers/" + customer + "/qualifications",
                                    writer,
                                    "{\"qualification\": \"Education\", \"educationSegment\": \"K12\"}")
                            .status())
                    .isEqualTo(201);
            EventStream.Event changed = onB.next(Duration.ofSeconds(2));
            assertThat(changed)
                    .as("the update on replica a, on the stream of replica b, within 2 s")
                    .isNotNull();
            assertThat(changed.data()
                            .at("/qualifications/items/0/vettingStatus")
                            .asString())
                    .isEqualTo("InReview");
        }
    }
}
