package com.contoso.partnercenter.bff.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * An OAuth2 security scheme in the OpenAPI document, so Swagger UI's Authorize dialog can get a token itself.
 * Unset, the document offers the bearer scheme only (paste a token). The client id (and, in the local run
 * only, the secret) that prefill the dialog are springdoc's own springdoc.swagger-ui.oauth.*.
 *
 * @param tokenUrl the token endpoint, e.g. https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token;
 *     with it alone the scheme offers the client credentials flow.
 * @param authorizationUrl the authorization endpoint, e.g.
 *     https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize; with it the scheme offers the
 *     authorization code flow instead (use it with PKCE and no secret).
 * @param scopes the scopes the dialog offers, e.g. api://partner-center-bff/.default.
 */
@Validated
@ConfigurationProperties("partner-center-bff.swagger-ui.oauth2")
record SwaggerUiOAuth2Properties(
        URI tokenUrl,
        URI authorizationUrl,
        @DefaultValue @NotNull List<String> scopes) {

    /** Whether the document gets the OAuth2 scheme at all. */
    boolean enabled() {
        return tokenUrl != null;
    }

    /** Whether the scheme is the authorization code flow rather than client credentials. */
    boolean authorizationCode() {
        return authorizationUrl != null;
    }

    @AssertTrue(message = "needs partner-center-bff.swagger-ui.oauth2.token-url as well")
    boolean isTokenUrlSetWithAuthorizationUrl() {
        return authorizationUrl == null || tokenUrl != null;
    }
}
