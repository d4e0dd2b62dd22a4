package com.contoso.partnercenter.bff.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image built from the Dockerfile, run in a real Docker engine against the simulator and token issuer
 * on this machine. Containers share the host network (there is no bridge here) and bind 127.0.0.1.
 * Without a Docker engine the test is skipped with a message; CI installs one and fails on a skip.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

    static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static WireMockServer simulator;
    static MockOAuth2Server issuer;
    static GenericContainer<?> container;
    static int apiPort;
    static int managementPort;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(
                DockerClientFactory.instance().isDockerAvailable(),
                "No Docker engine answers: the container image test is skipped (CI installs and starts one)");
        Process standIn = new ProcessBuilder("bash", "src/test/docker/base-image-stand-in.sh")
                .inheritIO()
                .start();
        assertThat(standIn.waitFor(120, TimeUnit.SECONDS) && standIn.exitValue() == 0)
                .as("base image stand-in")
                .isTrue();

        simulator = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0);
        apiPort = freePort();
        managementPort = freePort();
        var image = new ImageFromDockerfile("partner-center-bff-it", false)
                .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
                // The legacy builder's RUN steps need a network, and the host's is the only one here.
                .withBuildImageCmdModifier(build -> build.withNetworkMode("host"));
        Map<String, Object> properties = Map.of(
                "server.address",
                "127.0.0.1",
                "server.port",
                apiPort,
                "management.server.address",
                "127.0.0.1",
                "management.server.port",
                managementPort,
                "partner-center.base-url",
                simulator.baseUrl(),
                "partner-center.auth.tenant-id",
                "container-test",
                "partner-center.auth.client-id",
                "partner-center-bff-local",
                "partner-center.auth.client-secret",
                "local-client-secret",
                "partner-center.auth.refresh-token",
                LocalTokenIssuer.consent(issuer),
                "partner-center.auth.token-uri",
                issuer.tokenEndpointUrl(LocalTokenIssuer.ENTRA_ISSUER).toString());
        container = new GenericContainer<>(image)
                .withNetworkMode("host")
                .withEnv("SPRING_APPLICATION_JSON", JsonMapper.shared().writeValueAsString(properties))
                .withEnv(
                        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI",
                        issuer.issuerUrl(LocalTokenIssuer.PORTAL_ISSUER).toString())
                .waitingFor(new ReadinessProbe().withStartupTimeout(Duration.ofSeconds(60)));
        container.start();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.stop();
        }
        if (simulator != null) {
            simulator.stop();
            issuer.shutdown();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Without mapped ports Testcontainers' HTTP wait cannot work: poll the readiness probe ourselves. */
    static final class ReadinessProbe extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
            long until = System.nanoTime() + startupTimeout.toNanos();
            while (System.nanoTime() < until) {
                if (!waitStrategyTarget.isRunning()) {
                    throw new IllegalStateException("The container exited: " + waitStrategyTarget.getLogs());
                }
                try {
                    if (get("http://127.0.0.1:" + managementPort + "/actuator/health/readiness", null)
                                    .statusCode()
                            == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                sleep(500);
            }
            throw new IllegalStateException("Not ready within " + startupTimeout);
        }
    }

    static HttpResponse<String> get(String url, String token) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String portalToken() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(
                        issuer.tokenEndpointUrl(LocalTokenIssuer.PORTAL_ISSUER).uri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=portal&client_secret=any&scope=partner-center-bff"))
                .build();
        try {
            String body =
                    http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return JsonMapper.shared().readTree(body).get("access_token").asString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    String api(String path) {
        return "http://127.0.0.1:" + apiPort + path;
    }

    @Test
    @Order(1)
    void answersARealCallAsANonRootUser() throws Exception {
        HttpResponse<String> answer = get(
                api("/api/v1/customers/" + PartnerCenterSimulator.UNDER_REVIEW + "/purchase-eligibility"),
                portalToken());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"eligible\":false", "\"accountStatus\":\"UnderReview\"");
        assertThat(container.execInContainer("id", "-u").getStdout().strip()).isEqualTo("10001");
        assertThat(container.execInContainer("cat", "/proc/1/status").getStdout())
                .containsPattern("Uid:\\s+10001\\s");
    }

    @Test
    @Order(1)
    void startsFromTheAotCacheMadeByTheImageBuild() throws Exception {
        // A cache the JVM accepted is mapped into its memory; one it refused (other flags, another class path)
        // is not, and the JVM then starts as slowly as without one, with only a warning.
        assertThat(container.execInContainer("cat", "/proc/1/maps").getStdout()).contains("/app/app.aot");
    }

    @Test
    @Order(2) // stops the container
    void onSigtermInFlightRequestsFinishAndTheContainerExitsCleanly() throws Exception {
        String token = portalToken();
        // The slow customer answers after 3 s: this request is in flight when SIGTERM arrives.
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                HttpRequest.newBuilder(URI.create(
                                api("/api/v1/customers/" + PartnerCenterSimulator.SLOW + "/validation-status")))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        sleep(1_000);

        long started = System.nanoTime();
        // SIGTERM, then SIGKILL only after the grace period (Testcontainers' own stop kills at once).
        container
                .getDockerClient()
                .stopContainerCmd(container.getContainerId())
                .withTimeout(30)
                .exec();
        Duration stopping = Duration.ofNanos(System.nanoTime() - started);

        assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        Long exitCode = container
                .getDockerClient()
                .inspectContainerCmd(container.getContainerId())
                .exec()
                .getState()
                .getExitCodeLong();
        assertThat(exitCode).isEqualTo(143L);
        assertThat(stopping).isLessThan(Duration.ofSeconds(30));
        assertThat(container.getLogs()).contains("Graceful shutdown complete");
    }
}
