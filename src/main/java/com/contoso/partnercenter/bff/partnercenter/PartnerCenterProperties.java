package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.AuthProperties;
import com.contoso.partnercenter.bff.partnercenter.cache.CacheProperties;
import com.contoso.partnercenter.bff.partnercenter.throttle.QuotaProperties;
import com.contoso.partnercenter.bff.partnercenter.throttle.ThrottleProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
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
 * @param quota per operation ({@code validation-codes}, {@code qualifications}, {@code qualification-sync},
 *     {@code qualification-update}, {@code validation-status}), the requests per minute the partner may send
 *     Partner Center, counted across all replicas in fleet mode: {@code
 *     partner-center.quota.validation-status.requests-per-minute=300}. None by default.
 */
@Validated
@ConfigurationProperties("partner-center")
public record PartnerCenterProperties(
        @DefaultValue("https://api.partnercenter.microsoft.com") @NotNull
        URI baseUrl,

        @DefaultValue("partner-center-bff") @NotBlank String applicationName,
        @DefaultValue("en-US") @NotBlank String locale,
        @DefaultValue("25s") @NotNull Duration deadline,

        @DefaultValue @Valid @NotNull @NestedConfigurationProperty
        AuthProperties auth,

        @DefaultValue @Valid @NotNull @NestedConfigurationProperty
        CacheProperties cache,

        @DefaultValue @Valid @NotNull @NestedConfigurationProperty
        ThrottleProperties throttle,

        Map<String, QuotaProperties.Limit> quota) {}
