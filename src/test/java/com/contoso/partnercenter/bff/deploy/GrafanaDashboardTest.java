package com.contoso.partnercenter.bff.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.EndToEndTest;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart's Grafana dashboard against a real Prometheus (Debian's {@code prometheus}; {@code .ci/run} installs
 * it) scraping the running service after portals used it: every panel's query must find series, so a renamed
 * metric, a wrong label or a typo in PromQL fails here rather than leaving an operator an empty panel.
 */
@TestPropertySource(
        properties = {
            "partner-center.cache.ttl=1s",
            "partner-center.portals.sales.client-ids=sales-portal",
            // Two portals (sales and other) with one call a minute each: sales' second call is over its share.
            "partner-center.quota.validation-status.requests-per-minute=2",
            // Every request traced, so every sample may carry an exemplar: one where a Prometheus 2.42 refuses it
            // (on a _count) fails the scrape here, as it would in production.
            "management.tracing.sampling.probability=1.0"
        })
class GrafanaDashboardTest extends EndToEndTest {

    static final Path PROMETHEUS = Path.of(System.getProperty("prometheus", "/usr/bin/prometheus"));
    static final Path DASHBOARD = Path.of("helm/partner-center-bff/dashboards/partner-center-bff.json");
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @LocalManagementPort
    int managementPort;

    int read(String path) {
        String token = EndToEnd.portalToken(issuer, "sales-portal", "partner-center.read");
        return RawHttp.get(port, "/api/v1/customers/" + path, "Authorization", "Bearer " + token)
                .status();
    }

    /** What portals do on a bad day: every kind of answer the panels show. */
    void portalsUseTheService() throws InterruptedException {
        assertThat(read(UUID.randomUUID() + "/purchase-eligibility")).isEqualTo(200);
        assertThat(read(UUID.randomUUID() + "/validation-status"))
                .as("over its share")
                .isEqualTo(429);
        assertThat(read(PartnerCenterSimulator.PERMANENT_FAILURE + "/qualifications"))
                .isEqualTo(502);
        assertThat(read(PartnerCenterSimulator.THROTTLED + "/qualifications")).isEqualTo(503);
        assertThat(read(PartnerCenterSimulator.THROTTLED + "/qualifications"))
                .as("refused by the closed gate")
                .isEqualTo(503);
        assertThat(read(PartnerCenterSimulator.ALLOWED + "/qualifications")).isEqualTo(200);
        assertThat(read(PartnerCenterSimulator.ALLOWED + "/qualifications"))
                .as("cached")
                .isEqualTo(200);
        clock.advance(Duration.ofMillis(1_100)); // past the TTL: what is kept now is a last-known answer
        simulator.setScenarioState(PartnerCenterSimulator.OUTAGE, PartnerCenterSimulator.OUTAGE_DOWN);
        try {
            assertThat(read(PartnerCenterSimulator.ALLOWED + "/qualifications"))
                    .as("stale")
                    .isEqualTo(200);
        } finally {
            simulator.resetScenarios();
        }
    }

    @Test
    void everyPanelsQueryFindsSeriesInPrometheusScrapingTheService(@TempDir Path temp) throws Exception {
        assertThat(PROMETHEUS)
                .as("Prometheus (Debian's prometheus package; .ci/run installs it) evaluates the dashboard")
                .isExecutable();
        portalsUseTheService();

        int prometheusPort = freePort();
        Files.writeString(temp.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: partner-center-bff
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(managementPort));
        Process prometheus = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + temp.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + temp.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("prometheus.log").toFile())
                .start();
        try {
            String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";
            // Enough samples for rate(): three scrapes of the service that succeeded (up is 0 for one that timed out,
            // which a busy test machine can make happen).
            awaitSeries(api, "sum_over_time(up{job=\"partner-center-bff\"}[1m]) >= 3", temp);

            JsonNode dashboard = JsonMapper.shared().readTree(Files.readString(DASHBOARD));
            List<String> empty = new ArrayList<>();
            int queries = 0;
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = grafanaVariablesReplaced(target.path("expr").asString());
                    queries++;
                    if (query(api, expr).path("data").path("result").isEmpty()) {
                        empty.add(panel.path("title").asString() + ": " + expr);
                    }
                }
            }
            assertThat(queries).as("the dashboard's queries").isGreaterThanOrEqualTo(12);
            assertThat(empty)
                    .as("panels' queries that found no series; the scrape: "
                            + get(api + "targets").at("/data/activeTargets"))
                    .isEmpty();

            String variable = dashboard
                    .path("templating")
                    .path("list")
                    .get(1)
                    .path("definition")
                    .asString();
            String metric = variable.replaceAll("label_values\\((\\w+), application\\)", "$1");
            JsonNode applications = get(api + "label/application/values?match[]=" + encode(metric));
            assertThat(applications.path("data").toString())
                    .as("the dashboard's application variable, from " + variable)
                    .contains("\"partner-center-bff\"");
        } finally {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    /** Grafana's variables as Grafana fills them in for this service: its application, a rate window. */
    static String grafanaVariablesReplaced(String expr) {
        String filled = expr.replace("$application", "partner-center-bff").replace("$__rate_interval", "1m");
        assertThat(filled).as("a query with no other variable").doesNotContain("$");
        return filled;
    }

    static void awaitSeries(String api, String expr, Path temp) throws Exception {
        try {
            // Prometheus refuses connections until it listens: a failed look is a look too early.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> !query(api, expr).path("data").path("result").isEmpty());
        } catch (ConditionTimeoutException never) {
            throw new AssertionError("Prometheus did not scrape the service: "
                    + get(api + "targets").at("/data/activeTargets") + "\n"
                    + Files.readString(temp.resolve("prometheus.log")));
        }
    }

    static JsonNode query(String api, String expr) throws IOException, InterruptedException {
        JsonNode answer = get(api + "query?query=" + encode(expr));
        assertThat(answer.path("status").asString()).as(expr + ": " + answer).isEqualTo("success");
        return answer;
    }

    static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonMapper.shared().readTree(response.body());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
