package com.contoso.partnercenter.bff.partnercenter.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Microsoft Entra ID credentials of the partner's application.
 *
 * @param tenantId the partner's Entra ID tenant.
 * @param clientId the application (client) id.
 * @param clientSecret the application's client secret.
 * @param refreshToken the App+User refresh token obtained once by consent; rotated tokens replace it in memory.
 * @param tokenUri the token endpoint; defaults to {@code https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/token}.
 * @param scope the scope requested for both grants.
 * @param timeout how long one token request may take before it fails with a 502.
 * @param keepAlive the longest the refresh token goes unredeemed: a quiet service redeems it this often, so it
 *     never reaches its lifetime.
 * @param refreshTokenLifetime how long a refresh token lasts after it was issued (Entra ID: 90 days).
 */
public record AuthProperties(
        @NotBlank(message = "must be set: partner-center.auth.tenant-id (PARTNER_CENTER_AUTH_TENANT_ID)")
        String tenantId,

        @NotBlank(message = "must be set: partner-center.auth.client-id (PARTNER_CENTER_AUTH_CLIENT_ID)")
        String clientId,

        @NotBlank(message = "must be set: partner-center.auth.client-secret (PARTNER_CENTER_AUTH_CLIENT_SECRET)")
        String clientSecret,

        @NotBlank(message = "must be set: partner-center.auth.refresh-token (PARTNER_CENTER_AUTH_REFRESH_TOKEN)")
        String refreshToken,

        URI tokenUri,

        @DefaultValue("https://api.partnercenter.microsoft.com/.default") @NotBlank
        String scope,

        @DefaultValue("5s") @NotNull Duration timeout,
        @DefaultValue("1d") @NotNull Duration keepAlive,
        @DefaultValue("90d") @NotNull Duration refreshTokenLifetime) {

    public URI effectiveTokenUri() {
        return tokenUri != null
                ? tokenUri
                : URI.create("https://login.microsoftonline.com/" + tenantId + "/oauth2/v2.0/token");
    }

    // Keeps the secret and the refresh token out of logs and failure messages.
    @Override
    public String toString() {
        return "Auth[tenantId=" + tenantId + ", clientId=" + clientId + ", tokenUri=" + effectiveTokenUri() + "]";
    }
}
