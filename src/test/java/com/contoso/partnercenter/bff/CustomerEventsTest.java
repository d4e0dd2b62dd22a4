package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.contoso.partnercenter.bff.EventStream.Event;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.contoso.partnercenter.bff.partnercenter.CustomerWatch;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Portals told of changes (CONTRACT.md, "Watching customers"): one stream per page, the current states first, an
 * event per change and only then, one reading per customer per interval however many streams watch it. The interval
 * is a minute: a test moves the service's clock on by one instead of waiting for it, so whatever comes sooner came
 * from something else (a portal's update).
 */
@TestPropertySource(properties = {"partner-center.watch.interval=1m", "partner-center.watch.max-customers=120"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class CustomerEventsTest extends EndToEndTest {

    static final Duration SOON = Duration.ofSeconds(5);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    @LocalManagementPort
    int managementPort;

    @Autowired
    CustomerWatch watch;

    final List<EventStream> opened = new ArrayList<>();
    final String reader = EndToEnd.readerToken(issuer);

    @AfterEach
    void portalsLeave() {
        opened.forEach(EventStream::close);
        opened.clear();
        simulator.resetScenarios();
    }

    EventStream open(String token, List<String> customerIds) {
        EventStream stream = EventStream.open(port, token, customerIds);
        opened.add(stream);
        return stream;
    }

    EventStream open(String token, String customerId) {
        return open(token, List.of(customerId));
    }

    static int statusReadings(String customer) {
        return simulator
                .findAll(getRequestedFor(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus")))
                .size();
    }

    double metric(String name) {
        String text = RawHttp.get(managementPort, "/actuator/prometheus").body();
        Matcher value = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(text);
        return value.find() ? Double.parseDouble(value.group(2)) : Double.NaN;
    }

    static List<String> customers(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> UUID.randomUUID().toString())
                .toList();
    }

    @Test
    @Order(1) // first, while the fleet's roster is empty
    void aHundredCustomersOnOneStreamAndA429PastTheFleetsLimit() throws Exception {
        List<String> hundred = customers(100);
        EventStream stream = open(reader, hundred);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Content-Type")).startsWith("text/event-stream");

        List<Event> first = stream.next(100, SOON);
        assertThat(first).extracting(Event::name).containsOnly("customer");
        assertThat(first).extracting(Event::customerId).containsExactlyInAnyOrderElementsOf(hundred);
        assertThat(first)
                .extracting(Event::id)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, 100).boxed().toList());
        // Customers Partner Center knows nothing of: no status (so not blocked), no qualifications.
        assertThat(first.get(0).data().path("validationStatus").isNull()).isTrue();
        assertThat(first.get(0).data().at("/eligibility/eligible").asBoolean()).isTrue();
        assertThat(first.get(0).data().at("/qualifications/items").size()).isZero();
        assertThat(metric("partner_center_watched_customers")).isEqualTo(100);
        assertThat(metric("partner_center_watch_streams")).isEqualTo(1);
        // The first states were this interval's readings: no second call for any customer at the next ticks.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> hundred.stream()
                                .mapToInt(CustomerEventsTest::statusReadings)
                                .sum()
                        == 100);

        EventStream tooMany = open(reader, customers(30));
        assertThat(tooMany.status()).isEqualTo(429);
        assertThat(Integer.parseInt(tooMany.header("Retry-After"))).isPositive();
        assertThat(tooMany.header("Content-Type")).startsWith("application/problem+json");
        assertThat(tooMany.problem().path("type").asString()).endsWith("watch-limit-reached");
        assertThat(metric("partner_center_watched_customers"))
                .as("nothing of the refused stream kept")
                .isEqualTo(100);
    }

    @Test
    void aChangeReachesEveryStreamAtTheNextReadingAndOneReadingServesThemAll() throws Exception {
        String customer = PartnerCenterSimulator.UNDER_REVIEW;
        String sales = EndToEnd.portalToken(issuer, "sales-portal", "partner-center.read");
        String support = EndToEnd.portalToken(issuer, "support-portal", "partner-center.read");
        List<EventStream> three = List.of(open(sales, customer), open(sales, customer), open(support, customer));
        for (EventStream stream : three) {
            Event current = stream.next(SOON);
            assertThat(current.name()).isEqualTo("customer");
            assertThat(current.id()).isEqualTo(1);
            assertThat(current.customerId()).isEqualTo(customer);
            assertThat(current.data().at("/validationStatus/type").asString()).isEqualTo("account");
            assertThat(current.data().at("/validationStatus/status").asString()).isEqualTo("UnderReview");
            assertThat(current.data().at("/eligibility/eligible").asBoolean()).isFalse();
            assertThat(current.data().at("/qualifications/items").isArray()).isTrue();
        }
        int before = statusReadings(customer);

        simulator.setScenarioState(PartnerCenterSimulator.REVIEW, PartnerCenterSimulator.REVIEW_DECIDED);
        clock.advance(INTERVAL);
        for (EventStream stream : three) {
            Event changed = stream.next(SOON);
            assertThat(changed).as("the change, at the interval's reading").isNotNull();
            assertThat(changed.id()).isEqualTo(2);
            assertThat(changed.data().at("/validationStatus/status").asString()).isEqualTo("Allowed");
            assertThat(changed.data().at("/eligibility/eligible").asBoolean()).isTrue();
            assertThat(changed.data().at("/eligibility/reason").asString()).contains("allowed");
        }
        assertThat(statusReadings(customer) - before)
                .as("one reading for three streams of two portals")
                .isEqualTo(1);
        assertThat(metric("partner_center_watch_readings_total\\{[^}]*outcome=\"changed\"[^}]*}"))
                .isGreaterThanOrEqualTo(1);
        // A portal's GET agrees with the event at once: the reading dropped the cache's copy.
        HttpResponse<String> status = EndToEnd.get(
                "http://127.0.0.1:" + port + "/api/v1/customers/" + customer + "/validation-status", reader);
        assertThat(status.body()).contains("\"Allowed\"");

        int next = statusReadings(customer);
        clock.advance(INTERVAL);
        await().atMost(SOON).until(() -> statusReadings(customer) > next);
        for (EventStream stream : three) {
            assertThat(stream.next(Duration.ofSeconds(1)))
                    .as("no event without a change")
                    .isNull();
        }
        assertThat(statusReadings(customer) - next)
                .as("one reading in the next interval")
                .isEqualTo(1);
    }

    @Test
    void aPortalsUpdateReachesTheStreamWithinTwoSeconds() throws Exception {
        String customer = UUID.randomUUID().toString();
        EventStream stream = open(reader, customer);
        assertThat(stream.next(SOON).data().at("/qualifications/items").size()).isZero();

        String writer = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                Map.of("scp", "partner-center.read partner-center.write"),
                3600);
        HttpResponse<String> created = EndToEnd.post(
                "http://127.0.0.1:" + port + "/api/v1/customers/" + customer + "/qualifications",
                writer,
                "{\"qualification\": \"Education\", \"educationSegment\": \"K12\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        // Long before the interval's reading: the update itself made one.
        Event changed = stream.next(Duration.ofSeconds(2));
        assertThat(changed).as("the update's event within 2 s").isNotNull();
        assertThat(changed.data().at("/qualifications/items/0/qualification").asString())
                .isEqualTo("Education");
        assertThat(changed.data().at("/qualifications/items/0/vettingStatus").asString())
                .isEqualTo("InReview");
    }

    @Test
    void theCustomerIsAskedForAsThePortalSpelledItAndAnyAcceptGetsTheStream() throws Exception {
        // Partner Center asked with the portal's spelling, as the GET endpoints ask it.
        String upperCase = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        simulator.stubFor(get(urlPathEqualTo("/v1/customers/" + upperCase + "/validationStatus"))
                .atPriority(1)
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"NotAllowed\"}")));
        EventStream stream = EventStream.open(port, reader, List.of(upperCase), "GET", "application/json");
        opened.add(stream);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
        Event current = stream.next(SOON);
        assertThat(current.customerId()).isEqualTo(upperCase);
        assertThat(current.data().at("/validationStatus/status").asString()).isEqualTo("NotAllowed");
    }

    @Test
    void aHeadIsTheStreamsHeadersAndNoWatch() throws Exception {
        String customer = UUID.randomUUID().toString();
        EventStream head = EventStream.open(port, reader, List.of(customer), "HEAD", "text/event-stream");
        opened.add(head);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Type")).startsWith("text/event-stream");
        assertThat(head.endsWithin(SOON)).isTrue();
        assertThat(statusReadings(customer)).as("nothing read for a HEAD").isZero();
    }

    @Test
    void aCustomerPartnerCenterFailsOnSendsNothingAndLogsEachFailedCallOnce(CapturedOutput output) throws Exception {
        String failing = PartnerCenterSimulator.PERMANENT_FAILURE;
        String fine = UUID.randomUUID().toString();
        EventStream stream = open(reader, List.of(failing, fine));
        Event first = stream.next(SOON);
        assertThat(first.customerId()).isEqualTo(fine);
        assertThat(stream.next(Duration.ofSeconds(1)))
                .as("no event for the customer that failed")
                .isNull();
        // Its two calls (status, qualifications) failed: a line each, and no error dropped by Reactor.
        await().atMost(SOON)
                .until(() -> output.getOut()
                                .lines()
                                .filter(line -> line.contains(failing))
                                .count()
                        >= 2);
        assertThat(output.getOut().lines().filter(line -> line.contains(failing)))
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("failed: 502"));
        assertThat(output.getOut()).doesNotContain("onErrorDropped");
    }

    @Test
    void aKeepAliveCommentComesWithinFifteenSeconds() throws Exception {
        EventStream stream = open(reader, UUID.randomUUID().toString());
        assertThat(stream.next(SOON)).isNotNull();
        assertThat(stream.nextComment(Duration.ofSeconds(16)))
                .as("a keep-alive within 15 s")
                .isPositive();
    }

    @Test
    void theStreamEndsWhenThePortalsTokenExpires() throws Exception {
        // Four seconds on the service's clock, which earlier tests moved on.
        long ahead = Duration.between(Instant.now(), clock.instant()).toSeconds();
        String fourSeconds = EndToEnd.token(
                issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", "partner-center.read"), ahead + 4);
        EventStream stream = open(fourSeconds, UUID.randomUUID().toString());
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.next(SOON)).isNotNull();
        assertThat(stream.endsWithin(Duration.ofSeconds(10)))
                .as("ended by the service at the token's expiry")
                .isTrue();
    }

    @Test
    void readingsStopAfterTheLastStreamCloses() throws Exception {
        String customer = UUID.randomUUID().toString();
        EventStream stream = open(reader, customer);
        assertThat(stream.next(SOON)).isNotNull();
        int before = statusReadings(customer);
        clock.advance(INTERVAL);
        await().atMost(SOON).until(() -> statusReadings(customer) == before + 1);

        stream.close();
        // The service sees the closed connection at a keep-alive (this and every earlier test's streams).
        await().atMost(Duration.ofSeconds(35)).until(() -> metric("partner_center_watch_streams") == 0);
        for (int interval = 0; interval < 2; interval++) {
            clock.advance(INTERVAL);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> statusReadings(customer) == before + 1);
        }
    }

    @Test
    void aWatchStoppedAndStartedAgainServesStreamsAgain() throws Exception {
        // As Spring's test contexts pause an idle context and start it again on its next use.
        EventStream before = open(reader, UUID.randomUUID().toString());
        assertThat(before.next(SOON)).isNotNull();
        watch.stop();
        assertThat(before.endsWithin(SOON))
                .as("a stopping service ends its streams")
                .isTrue();
        watch.start();
        assertThat(open(reader, UUID.randomUUID().toString()).next(SOON))
                .as("a stream after the start")
                .isNotNull();
    }

    @Test
    void badInputIsA400BeforeAnyStreamAndNoPermissionA403() {
        String path = "http://127.0.0.1:" + port + "/api/v1/customer-events";
        StringBuilder tooMany = new StringBuilder();
        customers(101)
                .forEach(id -> tooMany.append(tooMany.isEmpty() ? "?" : "&")
                        .append("customerId=")
                        .append(id));
        for (String query : List.of("", "?customerId=not-a-guid", tooMany.toString())) {
            HttpResponse<String> refused = EndToEnd.get(path + query, reader);
            assertThat(refused.statusCode()).as(query).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(refused.body()).contains("invalid-request");
        }
        String noRead =
                EndToEnd.token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", "something.else"), 3600);
        assertThat(EndToEnd.get(path + "?customerId=" + UUID.randomUUID(), noRead)
                        .statusCode())
                .isEqualTo(403);
    }
}
