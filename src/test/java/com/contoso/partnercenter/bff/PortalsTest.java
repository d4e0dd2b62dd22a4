package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Which portal calls: in its log lines, the access log, its figures and the audit trail of its updates. */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
        properties = {
            "partner-center.portals.sales.client-ids=sales-portal",
            "partner-center.portals.support.client-ids=support-portal",
            "partner-center.portals.support.share=2",
            "server.tomcat.accesslog.enabled=true",
            "server.tomcat.accesslog.prefix=access",
            "server.tomcat.accesslog.suffix=.log",
            "server.tomcat.accesslog.file-date-format=",
            "server.tomcat.accesslog.buffered=false",
            "server.tomcat.basedir=${java.io.tmpdir}/partner-center-bff-portals-test",
            "server.tomcat.accesslog.directory=${java.io.tmpdir}/partner-center-bff-portals-test"
        })
class PortalsTest extends EndToEndTest {

    // Where Tomcat writes the access log, emptied before the service starts.
    static final Path logs = emptied(Path.of(System.getProperty("java.io.tmpdir"), "partner-center-bff-portals-test"));

    @LocalManagementPort
    int managementPort;

    static Path emptied(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(directory.resolve("access.log"));
            return directory;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    RawHttp.Answer read(String clientId, String path) {
        return RawHttp.get(
                port, path, "Authorization", "Bearer " + EndToEnd.portalToken(issuer, clientId, "partner-center.read"));
    }

    RawHttp.Answer update(String clientId, String customer, String key) {
        String token = EndToEnd.portalToken(issuer, clientId, "partner-center.read partner-center.write");
        return RawHttp.send(
                port,
                "POST",
                "/api/v1/customers/" + customer + "/qualifications",
                "{\"qualification\": \"Education\", \"educationSegment\": \"K12\"}".getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json",
                "Idempotency-Key",
                key);
    }

    static List<JsonNode> auditEvents(CapturedOutput output) {
        return output.getOut()
                .lines()
                .filter(line -> line.contains(" audit ") || line.contains("] audit"))
                .map(line -> JsonMapper.shared().readTree(line.substring(line.indexOf('{'))))
                .toList();
    }

    @Test
    void everyLogLineAndTheAccessLogNameTheCallingPortal(CapturedOutput output) throws Exception {
        String customer = PartnerCenterSimulator.PERMANENT_FAILURE;
        assertThat(read("sales-portal", "/api/v1/customers/" + customer + "/qualifications")
                        .status())
                .isEqualTo(502);
        assertThat(read("someone-else", "/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/qualifications")
                        .status())
                .isEqualTo(200);

        assertThat(output.getOut().lines().filter(line -> line.contains("qualifications for " + customer)))
                .as("the failure's one line")
                .singleElement()
                .asString()
                .contains(",sales] ");
        Path file = logs.resolve("access.log");
        // Tomcat writes a request's line once it has answered it.
        await().atMost(Duration.ofSeconds(2))
                .until(() -> Files.exists(file) && Files.readString(file).contains(PartnerCenterSimulator.ALLOWED));
        String accessLog = Files.readString(file);
        assertThat(accessLog.lines().filter(line -> line.contains(customer)))
                .singleElement()
                .asString()
                .contains("\" 502 ", "portal=sales ", "correlationId=");
        assertThat(accessLog.lines().filter(line -> line.contains(PartnerCenterSimulator.ALLOWED)))
                .singleElement()
                .asString()
                .contains("portal=other ");
    }

    @Test
    void eachPortalsRequestsAreCountedByOperationAndOutcome() {
        String customer = UUID.randomUUID().toString();
        read("support-portal", "/api/v1/customers/" + customer + "/qualifications");
        read("support-portal", "/api/v1/customers/" + customer + "/qualifications");
        read("sales-portal", "/api/v1/customers/" + PartnerCenterSimulator.THROTTLED + "/validation-status");

        String metrics = RawHttp.get(managementPort, "/actuator/prometheus").body();

        assertThat(metrics)
                .containsPattern("partner_center_portal_requests_total\\{[^}]*operation=\"qualifications\","
                        + "outcome=\"partner-center\",portal=\"support\"} [1-9]")
                .containsPattern("partner_center_portal_requests_total\\{[^}]*operation=\"qualifications\","
                        + "outcome=\"cache\",portal=\"support\"} [1-9]")
                .containsPattern("partner_center_portal_requests_total\\{[^}]*operation=\"validation-status\","
                        + "outcome=\"throttled\",portal=\"sales\"} [1-9]");
    }

    @Test
    void everyUpdateLeavesOneAuditEventWhateverItsOutcome(CapturedOutput output) {
        String customer = UUID.randomUUID().toString();
        String key = UUID.randomUUID().toString();
        assertThat(update("sales-portal", customer, key).status()).isEqualTo(201);
        assertThat(update("sales-portal", customer, key).header("Idempotent-Replayed"))
                .isEqualTo("true");
        assertThat(update("support-portal", PartnerCenterSimulator.THROTTLED, "k-" + key)
                        .status())
                .isEqualTo(503);

        List<JsonNode> events = auditEvents(output);

        assertThat(events).hasSize(3);
        JsonNode first = events.get(0);
        assertThat(first.path("portal").asString()).isEqualTo("sales");
        assertThat(first.path("clientId").asString()).isEqualTo("sales-portal");
        assertThat(first.path("user").asString()).isEqualTo("user-of-sales-portal");
        assertThat(first.path("customerId").asString()).isEqualTo(customer);
        assertThat(first.path("qualification").asString()).isEqualTo("Education");
        assertThat(first.path("outcome").path("status").asInt()).isEqualTo(201);
        assertThat(first.path("outcome").path("vettingStatus").asString()).isEqualTo("InReview");
        assertThat(first.path("correlationId").asString()).isNotBlank();
        assertThat(first.path("msRequestId").asString()).isNotBlank();
        assertThat(first.path("idempotencyKey").asString()).isEqualTo(key);
        assertThat(first.path("replayed").asBoolean()).isFalse();
        assertThat(first.path("time").asString()).isNotBlank();

        JsonNode replay = events.get(1);
        assertThat(replay.path("replayed").asBoolean()).isTrue();
        assertThat(replay.path("msRequestId").asString())
                .isEqualTo(first.path("msRequestId").asString());
        assertThat(replay.path("outcome").path("status").asInt()).isEqualTo(201);

        JsonNode refused = events.get(2);
        assertThat(refused.path("portal").asString()).isEqualTo("support");
        assertThat(refused.path("outcome").path("status").asInt()).isEqualTo(503);
        assertThat(refused.path("outcome").path("problem").asString()).isEqualTo("throttled");

        assertThat(output.getOut().lines().filter(line -> line.contains(" audit ") || line.contains("] audit")))
                .noneMatch(line -> line.contains("Bearer") || line.contains("eyJ"));
    }
}
