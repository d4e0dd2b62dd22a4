package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * What an operator's browser does on the consent page up to Entra ID's answer, against the fixture's token issuer:
 * ask the service to renew, sign in as the partner admin on the issuer's login page, and come back.
 *
 * @param callback the callback's path and query, as Entra ID sent the browser back.
 * @param cookie the cookie the service bound the sign-in to, as the browser sends it back ({@code name=value}).
 * @param authorization where the service sent the browser.
 */
public record ConsentSignIn(String callback, String cookie, String authorization) {

    private static final HttpClient BROWSERLESS =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** The partner admin signs in, with MFA, on the renewal the service on {@code port} starts. */
    public static ConsentSignIn at(int port) {
        RawHttp.Answer renew = RawHttp.get(port, "/consent/renew");
        assertThat(renew.status()).isEqualTo(302);
        String cookie = renew.header("Set-Cookie");
        String authorization = renew.header("Location");
        try {
            // prompt=login: the issuer shows its login page, a fresh sign-in, whatever the browser did before.
            HttpResponse<String> page = BROWSERLESS.send(
                    HttpRequest.newBuilder(URI.create(authorization)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<form", "name=\"username\"");
            String form = "username=" + encode(LocalTokenIssuer.PARTNER_ADMIN) + "&claims="
                    + encode(LocalTokenIssuer.partnerAdminClaims());
            HttpResponse<Void> back = BROWSERLESS.send(
                    HttpRequest.newBuilder(URI.create(authorization))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            URI callback = URI.create(back.headers()
                    .firstValue("Location")
                    .orElseThrow(() -> new AssertionError(back.statusCode() + " from " + authorization)));
            assertThat(callback.getPath()).isEqualTo("/consent/callback");
            return new ConsentSignIn(
                    callback.getRawPath() + "?" + callback.getRawQuery(),
                    cookie.substring(0, cookie.indexOf(';')),
                    authorization);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
