package com.contoso.partnercenter.bff.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real OAuth2 server (mock-oauth2-server) standing in for Microsoft Entra ID twice: issuer {@code portal}
 * signs the portals' tokens for this service, issuer {@code entra} answers the service's own client
 * credentials and refresh token grants.
 */
public final class LocalTokenIssuer {

    public static final String PORTAL_ISSUER = "portal";
    public static final String ENTRA_ISSUER = "entra";
    public static final String AUDIENCE = "api://partner-center-bff";
    /** The service's own application at the {@code entra} issuer. */
    public static final String SERVICE_CLIENT_ID = "partner-center-bff-local";

    public static final String SERVICE_CLIENT_SECRET = "local-client-secret";
    /** Gets a token with read permission only; any other client id gets read and write. */
    public static final String READER_CLIENT_ID = "portal-reader";
    /** The partner admin who signs in on the consent page, in the partner's tenant (the local run's and the tests'). */
    public static final String PARTNER_ADMIN = "admin@contoso.example";

    public static final String PARTNER_ADMIN_OID = "00000000-0000-4000-8000-00000000ad01";
    // mock-oauth2-server gives every token the tenant (tid) of its issuer's id, as Entra ID's issuer URL names the
    // tenant.
    public static final String PARTNER_TENANT = ENTRA_ISSUER;

    /**
     * What the partner admin types into the login page's claims on the consent page's sign-in (mock-oauth2-server asks
     * for a user name and, optionally, claims): the admin's object id and name, an MFA sign-in (the tenant is the issuer's).
     */
    public static String partnerAdminClaims() {
        return "{\"oid\": \"" + PARTNER_ADMIN_OID + "\", \"preferred_username\": \"" + PARTNER_ADMIN
                + "\", \"amr\": [\"pwd\", \"mfa\"]}";
    }

    /** What a portal token grants (any client id but the reader's), as Swagger UI's dialog asks for it. */
    public static final String SCOPES = "partner-center.read,partner-center.write";

    private static final String CONFIG = """
            {
              "interactiveLogin": false,
              "rotateRefreshToken": true,
              "tokenCallbacks": [
                {
                  "issuerId": "portal",
                  "tokenExpiry": 3600,
                  "requestMappings": [
                    {
                      "requestParam": "client_id",
                      "match": "portal-reader",
                      "claims": {"sub": "${clientId}", "aud": ["api://partner-center-bff"], "scp": "partner-center.read"}
                    },
                    {
                      "requestParam": "client_id",
                      "match": "*",
                      "claims": {
                        "sub": "${clientId}",
                        "aud": ["api://partner-center-bff"],
                        "scp": "partner-center.read partner-center.write"
                      }
                    }
                  ]
                }
              ]
            }
            """;

    private LocalTokenIssuer() {}

    /**
     * What a partner's admin does once in production: consent through the authorization code flow, which
     * yields the App+User refresh token the service is configured with. Entra ID (and this issuer) accept
     * only refresh tokens they issued, and rotate them on every use.
     */
    public static String consent(MockOAuth2Server server) {
        String redirect = "http://localhost/consented";
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        try {
            HttpResponse<Void> authorize = http.send(
                    HttpRequest.newBuilder(server.authorizationEndpointUrl(ENTRA_ISSUER)
                                    .newBuilder()
                                    .addQueryParameter("client_id", SERVICE_CLIENT_ID)
                                    .addQueryParameter("response_type", "code")
                                    .addQueryParameter("redirect_uri", redirect)
                                    .addQueryParameter("scope", "openid offline_access")
                                    .addQueryParameter("state", "local")
                                    .build()
                                    .uri())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            String location = authorize.headers().firstValue("Location").orElseThrow();
            String code = UriComponentsBuilder.fromUriString(location)
                    .build()
                    .getQueryParams()
                    .getFirst("code");
            String form = "grant_type=authorization_code&code=" + code + "&redirect_uri=" + redirect + "&client_id="
                    + SERVICE_CLIENT_ID + "&client_secret=" + SERVICE_CLIENT_SECRET;
            HttpResponse<String> token = http.send(
                    HttpRequest.newBuilder(server.tokenEndpointUrl(ENTRA_ISSUER).uri())
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JsonMapper.shared()
                    .readTree(token.body())
                    .get("refresh_token")
                    .asString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static MockOAuth2Server start(int port) {
        return start(port, CONFIG);
    }

    /**
     * Like {@link #start(int)}, with the service's own (App-only and App+User) access tokens lasting
     * {@code entraTokenSeconds}: with Spring's one-minute margin, 62 makes them last two seconds, so a test sees
     * the fleet renew them, again and again, along one strictly rotating refresh-token chain.
     */
    public static MockOAuth2Server start(int port, int entraTokenSeconds) {
        String entra = """
                {
                  "issuerId": "entra",
                  "tokenExpiry": %d,
                  "requestMappings": [{"requestParam": "grant_type", "match": "*", "claims": {"sub": "${clientId}"}}]
                },
                """.formatted(entraTokenSeconds);
        return start(port, CONFIG.replace("\"tokenCallbacks\": [", "\"tokenCallbacks\": [" + entra));
    }

    private static MockOAuth2Server start(int port, String config) {
        MockOAuth2Server server = new MockOAuth2Server(OAuth2Config.Companion.fromJson(config));
        try {
            server.start(InetAddress.getByName("127.0.0.1"), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return server;
    }
}
