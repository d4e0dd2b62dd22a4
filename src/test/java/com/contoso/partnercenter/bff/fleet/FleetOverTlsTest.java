package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.OpenSsl;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A Redis as a managed one is reached: TLS only (a certificate from the operator's own CA, trusted through a
 * Spring Boot SSL bundle), and an ACL user instead of the default user. The fleet shares as on plain Redis, and
 * the password reaches no log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class FleetOverTlsTest {

    static final String PASSWORD = "acl-s3cret-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path certificates;

    @Test
    void theFleetSharesOverTlsAsAnAclUser(CapturedOutput output) throws Exception {
        issueCertificates();
        int port = RedisProcesses.freePorts(1)[0];
        List<String> asTheUser = List.of(
                "-p",
                Integer.toString(port),
                "--tls",
                "--cacert",
                certificates.resolve("ca.crt").toString(),
                "--user",
                "partner-center-bff",
                "--pass",
                PASSWORD,
                "--no-auth-warning");
        Process redis = RedisProcesses.server(
                List.of(
                        "--port",
                        "0",
                        "--tls-port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--tls-cert-file",
                        certificates.resolve("redis.crt").toString(),
                        "--tls-key-file",
                        certificates.resolve("redis.key").toString(),
                        "--tls-ca-cert-file",
                        certificates.resolve("ca.crt").toString(),
                        "--tls-auth-clients",
                        "no",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        // The service's own user, to its own keys and channels; nobody else gets in.
                        "--user",
                        "partner-center-bff",
                        "on",
                        ">" + PASSWORD,
                        "~partner-center-bff:*",
                        "&partner-center-bff:*",
                        "+@all",
                        "--user",
                        "default",
                        "off"),
                "redis-server over TLS on port " + port,
                () -> "PONG".equals(RedisProcesses.cli(asTheUser, "PING")));
        WireMockServer partnerCenter = PartnerCenterSimulator.start(0);
        MockOAuth2Server issuer = LocalTokenIssuer.start(0);
        ExecutorService portals = Executors.newFixedThreadPool(10);
        RedisTopology tls = new RedisTopology() {
            @Override
            public java.util.Map<String, String> springProperties() {
                return java.util.Map.of(
                        "spring.data.redis.url",
                        "rediss://partner-center-bff:" + PASSWORD + "@127.0.0.1:" + port,
                        "spring.data.redis.ssl.bundle",
                        "redis",
                        "spring.ssl.bundle.pem.redis.truststore.certificate",
                        "file:" + certificates.resolve("ca.crt"));
            }

            @Override
            public String get(String key) {
                return RedisProcesses.cli(asTheUser, "GET", key);
            }

            @Override
            public void close() {
                RedisProcesses.stop(redis);
            }
        };
        try (tls;
                Fleet fleet = new Fleet(partnerCenter, issuer, tls, LocalTokenIssuer.consent(issuer))) {
            List<Fleet.Replica> replicas = List.of(fleet.start(), fleet.start());
            String token = EndToEnd.readerToken(issuer);
            String customer = PartnerCenterSimulator.SLOW;
            // As FleetChecks does: each replica has served a request first (its first token, its TLS connections).
            // Cold, a first token took more than the second that 4 s per attempt leaves a 3 s Partner Center: all
            // ten answered 504 in two runs of five, before and after the fleet-state redesign.
            for (Fleet.Replica replica : replicas) {
                replica.get("/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validation-status", token);
            }

            List<CompletableFuture<RawHttp.Answer>> answers = IntStream.range(0, 10)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> replicas.get(i % 2)
                                    .get("/api/v1/customers/" + customer + "/validation-status", token),
                            portals))
                    .toList();

            assertThat(answers).extracting(answer -> answer.join().status()).containsOnly(200);
            assertThat(partnerCenter.findAll(
                            anyRequestedFor(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus"))))
                    .hasSize(1);
            assertThat(replicas.get(1).management("/actuator/health/fleet").body())
                    .contains("\"UP\"");
            assertThat(tls.get("partner-center-bff:{tokens}:partner-center-app-user"))
                    .isNotEmpty();
        } finally {
            portals.shutdownNow();
            partnerCenter.stop();
            issuer.shutdown();
        }
        assertThat(output.getOut()).contains("fleet mode on: one Redis at 127.0.0.1:" + port + ", TLS");
        assertThat(output.getOut() + output.getErr()).doesNotContain(PASSWORD);
    }

    // A CA of the operator's, and Redis's certificate for 127.0.0.1 signed by it.
    private void issueCertificates() throws IOException {
        Files.writeString(certificates.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        OpenSsl.selfSigned(certificates, "ca");
        OpenSsl.run(
                certificates,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "redis.key",
                "-out",
                "redis.csr",
                "-subj",
                "/CN=127.0.0.1");
        OpenSsl.run(
                certificates,
                "x509",
                "-req",
                "-in",
                "redis.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "redis.crt",
                "-days",
                "1",
                "-extfile",
                "san.ext");
    }
}
