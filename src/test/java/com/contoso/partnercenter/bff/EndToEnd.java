package com.contoso.partnercenter.bff;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/** What the tests that call the service share: tokens as portals would hold them, and a plain HTTP client. */
public final class EndToEnd {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EndToEnd() {}

    /** A portal's token from the portal issuer, with the given claims and lifetime in seconds. */
    public static String token(
            MockOAuth2Server issuer, List<String> audience, Map<String, Object> claims, long expiry) {
        return issuer.issueToken(
                        LocalTokenIssuer.PORTAL_ISSUER,
                        "portal",
                        new DefaultOAuth2TokenCallback(
                                LocalTokenIssuer.PORTAL_ISSUER, "portal", "JWT", audience, claims, expiry))
                .serialize();
    }

    /** A token of the portal with this client id ({@code azp}), with the given scopes. */
    public static String portalToken(MockOAuth2Server issuer, String clientId, String scopes) {
        return issuer.issueToken(
                        LocalTokenIssuer.PORTAL_ISSUER,
                        clientId,
                        new DefaultOAuth2TokenCallback(
                                LocalTokenIssuer.PORTAL_ISSUER,
                                "user-of-" + clientId,
                                "JWT",
                                List.of(LocalTokenIssuer.AUDIENCE),
                                Map.of("scp", scopes),
                                3600))
                .serialize();
    }

    public static String readerToken(MockOAuth2Server issuer) {
        return token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", "partner-center.read"), 3600);
    }

    public static HttpResponse<String> get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.GET().build());
    }

    public static HttpResponse<String> post(String url, String token, String json) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
