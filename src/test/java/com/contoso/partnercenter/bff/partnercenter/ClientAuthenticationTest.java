package com.contoso.partnercenter.bff.partnercenter;

import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.TOKEN_PATH;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.token;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.OpenSsl;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the service proves itself to Entra ID without a client secret: every token request checked as Entra ID
 * checks it, against WireMock as the token endpoint.
 */
class ClientAuthenticationTest {

    @RegisterExtension
    static WireMockExtension wireMock = ModuleUnderTest.upstream();

    @RegisterExtension
    final ModuleUnderTest.Started modules = new ModuleUnderTest.Started(wireMock);

    @TempDir
    Path directory;

    /** Each App-only call asks for a token: one that expires within Spring's one-minute margin. */
    private void shortLivedTokens() {
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(token("app-token", null, 30))));
        wireMock.stubFor(get("/v1/customers/all/validations").willReturn(okJson("[]")));
    }

    private List<Map<String, String>> tokenRequests() {
        return wireMock.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(ClientAuthenticationTest::form)
                .toList();
    }

    static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        pair -> pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> b,
                        LinkedHashMap::new));
    }

    @Test
    void aCertificatesAssertionIsWhatEntraIdVerifiesAndARenewedCertificateIsUsedWithoutARestart() throws Exception {
        OpenSsl.selfSigned(directory, "app");
        shortLivedTokens();
        PartnerCenter partnerCenter = modules.start(
                        wireMock.baseUrl(),
                        "partner-center.auth.client-authentication=certificate",
                        "partner-center.auth.certificate-bundle=entra",
                        "spring.ssl.bundle.pem.entra.keystore.certificate=file:" + directory.resolve("app.crt"),
                        "spring.ssl.bundle.pem.entra.keystore.private-key=file:" + directory.resolve("app.key"),
                        "spring.ssl.bundle.pem.entra.reload-on-update=true",
                        "spring.ssl.bundle.watch.file.quiet-period=100ms")
                .partnerCenter();

        partnerCenter.validationCodes();
        partnerCenter.validationCodes();

        List<Map<String, String>> requests = tokenRequests();
        assertThat(requests).hasSize(2);
        X509Certificate certificate = certificate(directory.resolve("app.crt"));
        for (Map<String, String> request : requests) {
            assertThat(request)
                    .containsEntry("grant_type", "client_credentials")
                    .containsEntry("client_id", "client-1")
                    .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                    .doesNotContainKey("client_secret");
            verifiedAsEntraIdWould(request.get("client_assertion"), certificate);
        }
        assertThat(requests.stream().map(request -> jti(request.get("client_assertion"))))
                .doesNotHaveDuplicates();

        // The operator renews the certificate: the bundle reloads, and the next assertion is signed with the new key.
        Path renewed = directory.resolve("renewed");
        OpenSsl.selfSigned(renewed, "app");
        Files.move(renewed.resolve("app.key"), directory.resolve("app.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(renewed.resolve("app.crt"), directory.resolve("app.crt"), StandardCopyOption.REPLACE_EXISTING);
        X509Certificate next = certificate(directory.resolve("app.crt"));
        String thumbprint = thumbprint(next).toString();
        // The bundle's file watcher is a real process the test waits on.
        Awaitility.await("the renewed certificate's thumbprint in the assertion")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    partnerCenter.validationCodes();
                    List<Map<String, String>> all = tokenRequests();
                    return thumbprint.equals(
                            SignedJWT.parse(all.get(all.size() - 1).get("client_assertion"))
                                    .getHeader()
                                    .getX509CertSHA256Thumbprint()
                                    .toString());
                });
        List<Map<String, String>> all = tokenRequests();
        verifiedAsEntraIdWould(all.get(all.size() - 1).get("client_assertion"), next);
    }

    @Test
    void workloadIdentitysFederatedTokenIsReadAgainForEveryTokenRequest() throws Exception {
        Path file = directory.resolve("azure-identity-token");
        Files.writeString(file, "federated-token-1\n");
        shortLivedTokens();
        PartnerCenter partnerCenter = modules.start(
                        wireMock.baseUrl(),
                        "partner-center.auth.client-authentication=workload-identity",
                        "partner-center.auth.federated-token-file=" + file)
                .partnerCenter();

        partnerCenter.validationCodes();
        Files.writeString(file, "federated-token-2"); // the kubelet rotated it
        partnerCenter.validationCodes();

        assertThat(tokenRequests())
                .extracting(request -> request.get("client_assertion"))
                .containsExactly("federated-token-1", "federated-token-2");
        assertThat(tokenRequests())
                .allSatisfy(request -> assertThat(request)
                        .containsEntry("client_id", "client-1")
                        .containsEntry(
                                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                        .doesNotContainKey("client_secret"));
    }

    @Test
    void theSecretIsSentAsBeforeWhenItIsTheMethod() {
        shortLivedTokens();
        modules.start(wireMock.baseUrl()).partnerCenter().validationCodes();

        assertThat(tokenRequests())
                .singleElement()
                .satisfies(request -> assertThat(request)
                        .containsEntry("client_secret", "secret-1")
                        .doesNotContainKey("client_assertion"));
    }

    // Entra ID's checks of a certificate's assertion: RS256 signed by the registered certificate's key, which the
    // header names by x5t#S256; aud the token endpoint; iss and sub the client; a jti; at most 10 minutes of life.
    private static void verifiedAsEntraIdWould(String assertion, X509Certificate certificate) throws Exception {
        SignedJWT jwt = SignedJWT.parse(assertion);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) certificate.getPublicKey())))
                .as("signed with the certificate's key")
                .isTrue();
        assertThat(jwt.getHeader().getX509CertSHA256Thumbprint()).isEqualTo(thumbprint(certificate));
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(wireMock.baseUrl() + TOKEN_PATH);
        assertThat(claims.getIssuer()).isEqualTo("client-1");
        assertThat(claims.getSubject()).isEqualTo("client-1");
        assertThat(claims.getJWTID()).isNotBlank();
        Instant now = Instant.now();
        assertThat(claims.getIssueTime().toInstant()).isBeforeOrEqualTo(now);
        assertThat(claims.getNotBeforeTime().toInstant()).isBeforeOrEqualTo(now);
        assertThat(claims.getExpirationTime().toInstant())
                .isAfter(now)
                .isBeforeOrEqualTo(claims.getIssueTime().toInstant().plus(Duration.ofMinutes(10)));
    }

    private static String jti(String assertion) {
        try {
            return SignedJWT.parse(assertion).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Base64URL thumbprint(X509Certificate certificate) throws Exception {
        return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    private static X509Certificate certificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
