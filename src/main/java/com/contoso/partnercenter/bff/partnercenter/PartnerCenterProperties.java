package com.contoso.partnercenter.bff.partnercenter;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the service needs to reach Partner Center. The defaults point at the real Partner Center
 * and Entra ID; only the credentials have to be supplied, and startup fails naming the missing one.
 *
 * @param baseUrl Partner Center's REST base URL.
 * @param applicationName sent as {@code MS-PartnerCenter-Application} so Microsoft can tell our calls apart.
 * @param locale sent as {@code X-Locale}.
 * @param deadline the longest one inbound request may wait for Partner Center, token included.
 * @param auth Microsoft Entra ID credentials.
 * @param cache the in-process cache of Partner Center's GET answers.
 * @param throttle how a 429 holds back the calls after it.
 */
@Validated
@ConfigurationProperties("partner-center")
public record PartnerCenterProperties(
        @DefaultValue("https://api.partnercenter.microsoft.com") @NotNull
        URI baseUrl,

        @DefaultValue("partner-center-bff") @NotBlank String applicationName,
        @DefaultValue("en-US") @NotBlank String locale,
        @DefaultValue("25s") @NotNull Duration deadline,
        @DefaultValue @Valid @NotNull Auth auth,
        @DefaultValue @Valid @NotNull Cache cache,
        @DefaultValue @Valid @NotNull Throttle throttle) {

    /**
     * Throttle gates: a 429 closes its scope's gate for its {@code Retry-After}, and calls in the scope are
     * answered 503 at once, without asking Partner Center, until it opens.
     *
     * @param scope per operation ({@code validation-codes}, {@code qualifications}, {@code qualification-sync},
     *     {@code qualification-update}, {@code validation-status}): {@code customer} (a 429 holds back that
     *     customer's calls of the operation; the default) or {@code partner} (all its calls). The validation codes
     *     are the partner's, so their gate is always the partner's.
     */
    public record Throttle(Map<String, ThrottleScope> scope) {

        public Throttle {
            scope = scope == null ? Map.of() : Map.copyOf(scope);
            for (String name : scope.keySet()) {
                if (Operation.named(name) == null) {
                    throw new IllegalArgumentException("partner-center.throttle.scope." + name
                            + " names no operation; the operations are " + Operation.names() + ".");
                }
            }
        }

        /** Each operation's scope, {@code customer} unless configured otherwise. */
        Map<Operation, ThrottleScope> scopes() {
            Map<Operation, ThrottleScope> scopes = new EnumMap<>(Operation.class);
            for (Operation operation : Operation.values()) {
                scopes.put(operation, scope.getOrDefault(operation.instanceName(), ThrottleScope.CUSTOMER));
            }
            return scopes;
        }
    }

    /**
     * GET answers kept per customer for a short while; concurrent identical requests share one upstream call.
     *
     * @param ttl how long an answer is reused; {@code 0} turns caching off.
     * @param maxSize how many answers are kept at most.
     */
    public record Cache(
            @DefaultValue("30s") @NotNull Duration ttl,
            @DefaultValue("10000") @Min(1) long maxSize) {}

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
     */
    public record Auth(
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

            @DefaultValue("5s") @NotNull Duration timeout) {

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
}
