package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Outside the local run, a service without its credentials must not start, and must say what is missing. */
@ExtendWith(OutputCaptureExtension.class)
class StartupConfigurationTest {

    static SpringApplicationBuilder application(String... properties) {
        return new SpringApplicationBuilder(PartnerCenterBffApplication.class)
                .properties("server.port=0", "management.server.port=0")
                .properties(properties);
    }

    /** A service with everything it needs but for what a test leaves out or gets wrong. */
    static SpringApplicationBuilder configured(String... properties) {
        return application(
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/keys",
                        "partner-center.auth.tenant-id=contoso",
                        "partner-center.auth.client-id=app",
                        "partner-center.auth.client-secret=secret",
                        "partner-center.auth.refresh-token=refresh")
                .properties(properties);
    }

    @Test
    void missingCredentialsStopStartupNamingEachProperty(CapturedOutput output) {
        assertThatThrownBy(() -> application(
                                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/keys",
                                "partner-center.auth.tenant-id=contoso",
                                "partner-center.auth.client-id=app")
                        .run())
                .isInstanceOf(RuntimeException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("partner-center.auth.client-secret", "partner-center.auth.refresh-token")
                .doesNotContain("partner-center.auth.client-id (");
    }

    @Test
    void noWayToCheckTokensStopsStartupWithAShortReportNamingTheProperties(CapturedOutput output) {
        assertThatThrownBy(() -> application(
                                "partner-center.auth.tenant-id=contoso",
                                "partner-center.auth.client-id=app",
                                "partner-center.auth.client-secret=secret",
                                "partner-center.auth.refresh-token=refresh")
                        .run())
                .isInstanceOf(RuntimeException.class);

        String report = output.getOut() + output.getErr();
        assertThat(report)
                .contains(
                        "APPLICATION FAILED TO START",
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri",
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri")
                // The report, not forty lines of stack trace.
                .doesNotContain("Application run failed")
                .doesNotContain("\tat ");
    }

    @Test
    void fleetModeWithoutTheTokenKeyRefusesToStartNamingIt(CapturedOutput output) {
        assertThatThrownBy(() ->
                        configured("spring.data.redis.url=redis://127.0.0.1:9").run())
                .isInstanceOf(RuntimeException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START", "partner-center.fleet.token-key", "openssl rand -base64 32")
                .doesNotContain("\tat ");
    }

    @Test
    void aFleetKeyOfTheWrongLengthIsRefusedToo(CapturedOutput output) {
        assertThatThrownBy(
                        () -> configured("spring.data.redis.host=127.0.0.1", "partner-center.fleet.token-key=c2hvcnQ=")
                                .run())
                .isInstanceOf(RuntimeException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("partner-center.fleet.token-key holds 5 bytes")
                .as("a key, even a wrong one, never in a log line")
                .doesNotContain("c2hvcnQ=");
    }

    /** Every setting is checked one way, at the start: a name nobody can use is refused, naming the setting. */
    @Test
    void settingsThatNameNothingRefuseToStartNamingEach(CapturedOutput output) {
        assertThatThrownBy(() -> configured(
                                "partner-center.throttle.scope.validation-stat=partner",
                                "partner-center.quota.validation-status.requests-per-minute=0",
                                "partner-center.portals.Sales.client-ids=sales-portal",
                                "partner-center.portals.other.client-ids=other-portal",
                                "partner-center.portals.a.client-ids=shared-portal",
                                "partner-center.portals.b.client-ids=shared-portal",
                                "partner-center.fleet.key-prefix=bff{1}:")
                        .run())
                .isInstanceOf(RuntimeException.class);

        assertThat(output.getOut() + output.getErr())
                .contains(
                        "APPLICATION FAILED TO START",
                        "partner-center.throttle.scope.validation-stat names no operation; the operations are"
                                + " validation-codes, qualifications, qualification-sync, qualification-update,"
                                + " validation-status",
                        "partner-center.quota.validation-status.requests-per-minute must be at least 1",
                        "partner-center.portals.Sales is not a portal name the service can use",
                        "partner-center.portals.other names the portal of every unconfigured client id",
                        "name the client id shared-portal in two portals, a and b",
                        "partner-center.fleet.key-prefix holds a brace")
                .doesNotContain("\tat ");
    }

    /** Each client authentication method stops a start that lacks what it needs, naming the property. */
    @Test
    void aClientAuthenticationWithoutWhatItNeedsRefusesToStartNamingTheProperty(
            CapturedOutput output, @TempDir Path directory) {
        OpenSsl.selfSigned(directory, "app");
        OpenSsl.selfSigned(directory, "other");
        String certificate = "spring.ssl.bundle.pem.entra.keystore.certificate=file:" + directory.resolve("app.crt");

        assertThatThrownBy(() -> configured("partner-center.auth.client-authentication=certificate")
                        .run())
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> configured(
                                "partner-center.auth.client-authentication=certificate",
                                "partner-center.auth.certificate-bundle=missing")
                        .run())
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> configured(
                                "partner-center.auth.client-authentication=certificate",
                                "partner-center.auth.certificate-bundle=entra",
                                certificate,
                                "spring.ssl.bundle.pem.entra.keystore.private-key=file:"
                                        + directory.resolve("other.key"))
                        .run())
                .isInstanceOf(RuntimeException.class);
        // As arguments: application.yaml's default (AZURE_FEDERATED_TOKEN_FILE) is above the builder's properties.
        assertThatThrownBy(() -> configured()
                        .run(
                                "--partner-center.auth.client-authentication=workload-identity",
                                "--partner-center.auth.federated-token-file=" + directory.resolve("no-such-file")))
                .isInstanceOf(RuntimeException.class);

        assertThat(output.getOut() + output.getErr())
                .contains(
                        "partner-center.auth.certificate-bundle must name the SSL bundle",
                        "partner-center.auth.certificate-bundle names the SSL bundle 'missing', which is not configured",
                        "partner-center.auth.certificate-bundle names the SSL bundle 'entra', which holds a private"
                                + " key that is not its certificate's",
                        "partner-center.auth.federated-token-file cannot be read")
                .doesNotContain("\tat ");
    }

    /** With a certificate, no secret is needed: the start goes on without one. */
    @Test
    void aCertificateNeedsNoSecret(@TempDir Path directory) {
        OpenSsl.selfSigned(directory, "app");
        try (ConfigurableApplicationContext started = application(
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/keys",
                        "partner-center.auth.tenant-id=contoso",
                        "partner-center.auth.client-id=app",
                        "partner-center.auth.refresh-token=refresh",
                        "partner-center.auth.client-authentication=certificate",
                        "partner-center.auth.certificate-bundle=entra",
                        "spring.ssl.bundle.pem.entra.keystore.certificate=file:" + directory.resolve("app.crt"),
                        "spring.ssl.bundle.pem.entra.keystore.private-key=file:" + directory.resolve("app.key"))
                .run()) {
            assertThat(started.isRunning()).isTrue();
        }
    }

    /** An operator who lists the sentinels but forgets the master's name gets a stop, not a fleet of loners. */
    @Test
    void sentinelsWithoutTheMastersNameRefuseToStartNamingIt(CapturedOutput output) {
        assertThatThrownBy(() -> configured(
                                "partner-center.fleet.token-key=" + "A".repeat(43) + "=",
                                "spring.data.redis.sentinel.nodes=127.0.0.1:9,127.0.0.1:10")
                        .run())
                .isInstanceOf(RuntimeException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START", "spring.data.redis.sentinel.master")
                .doesNotContain("\tat ");
    }

    /** Swagger UI and the OpenAPI document are served on purpose: a production start warns of nothing. */
    @Test
    void aProductionStartWritesNoWarning(CapturedOutput output) {
        try (ConfigurableApplicationContext started = configured().run()) {
            assertThat(started.isRunning()).isTrue();
        }

        assertThat(output.getOut() + output.getErr())
                .contains("Tomcat started on port")
                .doesNotContain(" WARN ")
                .doesNotContain("enabled by default");
    }
}
