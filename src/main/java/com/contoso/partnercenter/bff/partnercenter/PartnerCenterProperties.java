package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.throttle.ThrottleScope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service, partner-center.*: one tree of records, validated by Bean Validation when the
 * service starts (a rule over several fields is a constraint of its own, in {@link SettingsConstraints}), so a
 * start with a setting it cannot work with stops with a report naming the property. The defaults point at the real
 * Partner Center and Entra ID; only the credentials have to be supplied. The {@code @param} texts are what an IDE
 * shows for each property (the build's configuration metadata), so they are plain text, without javadoc tags;
 * docs/configuration.md is the operators' reference, kept in step by ConfigurationReferenceTest.
 *
 * @param baseUrl Partner Center's REST base URL.
 * @param applicationName sent as MS-PartnerCenter-Application so Microsoft can tell our calls apart.
 * @param locale sent as X-Locale.
 * @param deadline the longest one inbound request may wait for Partner Center, token included.
 * @param auth Microsoft Entra ID credentials of the partner's application.
 * @param cache Partner Center's GET answers kept per customer, and the last-known ones for an outage.
 * @param throttle how a 429 holds back the calls after it.
 * @param quota per operation (validation-codes, qualifications, qualification-sync,
 *     qualification-update, validation-status), the requests per minute the partner may send
 *     Partner Center, counted across all replicas in fleet mode: partner-center.quota.validation-status.requests-per-minute=300. None by default.
 * @param fleet fleet mode: what every replica shares in Redis (spring.data.redis.*).
 * @param batch how a batch of eligibility questions fans out to Partner Center.
 * @param eligibility how purchase eligibility is decided when Partner Center cannot answer.
 * @param consent the consent page, where a partner admin renews the App+User consent with MFA.
 * @param watch the customers portals watch (GET /api/v1/customer-events): how often the fleet reads each, and how
 *     many it watches at most.
 * @param portals the portals a partner runs against the service, by name (lower-case letters, digits and dashes):
 *     their tokens' client ids and their shares of the partner's quota. Every other client id is the portal
 *     other, share 1.
 */
@Validated
@ConfigurationProperties("partner-center")
public record PartnerCenterProperties(
        @DefaultValue("https://api.partnercenter.microsoft.com") @NotNull
        URI baseUrl,

        @DefaultValue("partner-center-bff") @NotBlank String applicationName,
        @DefaultValue("en-US") @NotBlank String locale,
        @DefaultValue("25s") @NotNull Duration deadline,
        @DefaultValue @Valid @NestedConfigurationProperty Auth auth,
        @DefaultValue @Valid @NestedConfigurationProperty Cache cache,
        @DefaultValue @Valid @NestedConfigurationProperty Throttle throttle,
        @DefaultValue Map<@SettingsConstraints.OperationName String, @Valid Limit> quota,
        @DefaultValue @Valid @NestedConfigurationProperty Fleet fleet,
        @DefaultValue @Valid @NestedConfigurationProperty Batch batch,
        @DefaultValue @Valid @NestedConfigurationProperty Eligibility eligibility,
        @DefaultValue @Valid @NestedConfigurationProperty Consent consent,
        @DefaultValue @Valid @NestedConfigurationProperty Watch watch,

        @DefaultValue @SettingsConstraints.OneClientIdOnePortal
        Map<@SettingsConstraints.PortalName String, @Valid Portal> portals) {

    /**
     * Microsoft Entra ID credentials of the partner's application.
     *
     * @param tenantId the partner's Entra ID tenant.
     * @param clientId the application (client) id.
     * @param clientAuthentication how the service proves itself to Entra ID on every token request: secret (the
     *     client secret), certificate (a private_key_jwt assertion signed with the key of an SSL bundle) or
     *     workload-identity (Azure Workload Identity's federated token as the assertion).
     * @param clientSecret the application's client secret; required with client-authentication=secret only.
     * @param certificateBundle with client-authentication=certificate, the Spring Boot SSL bundle holding the
     *     application's certificate and RSA private key (spring.ssl.bundle.pem.NAME.keystore.certificate and
     *     .private-key); a renewed certificate is used once the bundle reloads (reload-on-update).
     * @param federatedTokenFile with client-authentication=workload-identity, the file of the federated token,
     *     read again for every token request (the kubelet rotates it); defaults to AZURE_FEDERATED_TOKEN_FILE, set
     *     by Azure Workload Identity's webhook.
     * @param refreshToken the App+User refresh token obtained once by consent; rotated tokens replace it in memory
     *     (and, in fleet mode, in Redis).
     * @param tokenUri the token endpoint; defaults to https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/token.
     * @param authorizationUri Entra ID's authorization endpoint, where the consent page sends the partner admin;
     *     defaults to https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/authorize.
     * @param jwkSetUri the keys that sign Entra ID's ID tokens, checked on a consent; defaults to
     *     https://login.microsoftonline.com/{tenant-id}/discovery/v2.0/keys.
     * @param issuerUri the issuer of Entra ID's ID tokens, checked on a consent; defaults to
     *     https://login.microsoftonline.com/{tenant-id}/v2.0.
     * @param scope the scope requested for both grants.
     * @param timeout how long one token request may take before it fails with a 502.
     * @param keepAlive the longest the refresh token goes unredeemed: a quiet service redeems it this often, so it
     *     never reaches its lifetime.
     * @param refreshTokenLifetime how long a refresh token lasts after it was issued (Entra ID: 90 days).
     */
    @SettingsConstraints.WhatTheClientAuthenticationNeeds
    public record Auth(
            @NotBlank(message = "must be set (PARTNER_CENTER_AUTH_TENANT_ID)")
            String tenantId,

            @NotBlank(message = "must be set (PARTNER_CENTER_AUTH_CLIENT_ID)")
            String clientId,

            @DefaultValue("secret") @NotNull ClientAuthentication clientAuthentication,
            String clientSecret,
            String certificateBundle,
            Path federatedTokenFile,

            @NotBlank(message = "must be set (PARTNER_CENTER_AUTH_REFRESH_TOKEN)")
            String refreshToken,

            URI tokenUri,
            URI authorizationUri,
            URI jwkSetUri,
            URI issuerUri,

            @DefaultValue("https://api.partnercenter.microsoft.com/.default") @NotBlank
            String scope,

            @DefaultValue("5s") @NotNull Duration timeout,
            @DefaultValue("1d") @NotNull Duration keepAlive,
            @DefaultValue("90d") @NotNull Duration refreshTokenLifetime) {

        public URI effectiveTokenUri() {
            return tokenUri != null ? tokenUri : entraId("/oauth2/v2.0/token");
        }

        public URI effectiveAuthorizationUri() {
            return authorizationUri != null ? authorizationUri : entraId("/oauth2/v2.0/authorize");
        }

        public URI effectiveJwkSetUri() {
            return jwkSetUri != null ? jwkSetUri : entraId("/discovery/v2.0/keys");
        }

        public URI effectiveIssuerUri() {
            return issuerUri != null ? issuerUri : entraId("/v2.0");
        }

        private URI entraId(String path) {
            return URI.create("https://login.microsoftonline.com/" + tenantId + path);
        }

        // Keeps the secret and the refresh token out of logs and failure messages.
        @Override
        public String toString() {
            return "Auth[tenantId=" + tenantId + ", clientId=" + clientId + ", clientAuthentication="
                    + clientAuthentication + ", tokenUri=" + effectiveTokenUri() + "]";
        }
    }

    /** How the service proves itself to Entra ID: the same method for every grant it uses. */
    public enum ClientAuthentication {
        /** The client secret, sent in the token request's body. */
        SECRET,
        /** A private_key_jwt assertion signed with the key of an SSL bundle. */
        CERTIFICATE,
        /** Azure Workload Identity: the federated token file's content is the assertion. */
        WORKLOAD_IDENTITY
    }

    /**
     * GET answers kept per customer for a short while; concurrent identical requests share one upstream call.
     *
     * @param ttl how long an answer is reused; 0 turns caching off.
     * @param maxSize how many answers are kept at most.
     * @param staleIfError how old the last answer Partner Center gave may be to be answered when it cannot answer
     *     (RFC 5861); 0 turns last-known answers off. Only with the cache on.
     * @param lastKnownMaxSize how many last-known answers this replica keeps in memory at most, apart from the fresh
     *     ones: measured 450 to 560 bytes each (a validation status, a one-item qualification list), so the default
     *     50 000 take some 25 MB of the chart's 768 MiB.
     */
    public record Cache(
            @DefaultValue("30s") @NotNull @DurationMin(nanos = 0)
            Duration ttl,

            @DefaultValue("10000") @Min(1) long maxSize,

            @DefaultValue("24h") @NotNull @DurationMin(nanos = 0)
            Duration staleIfError,

            @DefaultValue("50000") @Min(1) long lastKnownMaxSize) {}

    /**
     * Throttle gates: a 429 closes its scope's gate for its Retry-After, and calls in the scope are
     * answered 503 at once, without asking Partner Center, until it opens.
     *
     * @param scope per operation: customer (a 429 holds back that customer's calls of the operation; the
     *     default) or partner (all its calls). The validation codes are the partner's, so their gate is
     *     always the partner's.
     */
    public record Throttle(@DefaultValue Map<@SettingsConstraints.OperationName String, ThrottleScope> scope) {}

    /** @param requestsPerMinute how many requests of the operation Partner Center may receive a minute. */
    public record Limit(
            @Min(value = 1, message = "must be at least 1; leave it out for no quota")
            int requestsPerMinute) {}

    /**
     * Fleet mode: what every replica shares in Redis (spring.data.redis.*).
     *
     * @param tokenKey base64 of 32 random bytes: the AES-256-GCM key the refresh token and the access tokens are
     *     stored with in Redis. Required in fleet mode; the same on every replica.
     * @param keyPrefix what every Redis key of the service starts with, so several services can share one Redis; no
     *     braces (the hash tags of Redis Cluster come after it).
     * @param timeout the longest a request waits on one Redis command before it goes on without Redis.
     * @param failoverWait how long a replica that needs a new access token waits for a Redis it just lost to come
     *     back (Sentinel promoting a replica) before it asks Entra ID alone, which may fork the refresh-token chain.
     *     Meanwhile a still valid access token is used to its end. Keep it under an attempt's timeout less the
     *     token request's.
     */
    public record Fleet(
            @SettingsConstraints.AesKey String tokenKey,

            @DefaultValue("partner-center-bff:")
            @Pattern(
                    regexp = "[^{}]*",
                    message = "holds a brace: leave braces out, the service puts Redis Cluster hash tags after the"
                            + " prefix, as in partner-center-bff:{tokens}:…")
            String keyPrefix,

            @DefaultValue("500ms") @NotNull Duration timeout,
            @DefaultValue("3s") @NotNull Duration failoverWait) {

        // Keeps the key out of logs and failure messages.
        @Override
        public String toString() {
            return "Fleet[keyPrefix=" + keyPrefix + ", timeout=" + timeout + ", failoverWait=" + failoverWait + "]";
        }
    }

    /**
     * How a batch of eligibility questions fans out to Partner Center.
     *
     * @param concurrency how many Partner Center calls one batch makes at once, so one portal's list takes neither
     *     the whole upstream bulkhead nor the partner's throttling budget.
     * @param deadline the longest one batch request takes; customers not answered by then get a 504 item.
     */
    public record Batch(
            @DefaultValue("8") @Min(1) @Max(64) int concurrency,

            @DefaultValue("25s") @NotNull @DurationMin(millis = 1)
            Duration deadline) {}

    /**
     * How purchase eligibility is decided when Partner Center cannot answer.
     *
     * @param staleAllowed whether a last-known validation status that allows purchases may be answered during an
     *     outage. Off by default: the decision fails closed, a last-known "blocked" is answered and a last-known
     *     "allowed" is not (the account may have been blocked since).
     */
    public record Eligibility(@DefaultValue("false") boolean staleAllowed) {}

    /**
     * The consent page (GET /consent on the API port): a partner admin signs in with MFA and the new consent replaces
     * the service's App+User refresh token, for every replica at once in fleet mode.
     *
     * @param enabled whether the page and its renewal are served; off by default.
     * @param allowedUsers who may renew the consent: Entra ID object ids (oid) or user principal names
     *     (preferred_username, compared case-insensitively). Empty means nobody, and the page says so.
     * @param redirectUri where Entra ID sends the browser back; defaults to the request's scheme, host and port
     *     (X-Forwarded-* as server.forward-headers-strategy says) followed by /consent/callback. Register it on the
     *     app registration.
     */
    public record Consent(
            @DefaultValue("false") boolean enabled,
            @DefaultValue List<String> allowedUsers,
            URI redirectUri) {}

    /**
     * The customers portals watch (GET /api/v1/customer-events).
     *
     * @param interval how often the fleet reads each watched customer's validation status and qualifications from
     *     Partner Center: once per interval for the whole fleet, whatever the number of streams, portals and
     *     replicas. A watch costs at most customers x 2 calls per interval.
     * @param maxCustomers the most customers the fleet watches at once; a stream that would pass it is refused 429.
     */
    public record Watch(
            @DefaultValue("5m") @NotNull @DurationMin(millis = 100)
            Duration interval,

            @DefaultValue("1000") @Min(1) int maxCustomers) {}

    /**
     * A portal of the partner's.
     *
     * @param clientIds the client ids (azp, appid or client_id) of the portal's tokens.
     * @param share the portal's weight in the partner's quota, 1 to 1000.
     */
    public record Portal(
            @NotEmpty(message = "is empty: list the client ids (azp, appid or client_id) of the portal's tokens")
            List<String> clientIds,

            @DefaultValue("1") @Min(1) @Max(1000) int share) {}
}
