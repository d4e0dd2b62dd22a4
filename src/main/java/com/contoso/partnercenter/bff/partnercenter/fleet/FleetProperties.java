package com.contoso.partnercenter.bff.partnercenter.fleet;

import com.contoso.partnercenter.bff.startup.Misconfiguration;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fleet mode: what every replica shares in Redis ({@code spring.data.redis.*}).
 *
 * @param tokenKey base64 of 32 random bytes: the AES-256-GCM key the refresh token and the access tokens are
 *     stored with in Redis. Required in fleet mode; the same on every replica.
 * @param keyPrefix what every Redis key of the service starts with, so several services can share one Redis; no
 *     braces (the hash tags of Redis Cluster come after it).
 * @param timeout the longest a request waits on one Redis command before it goes on without Redis.
 * @param failoverWait how long a replica that needs a new access token waits for a Redis it just lost to come
 *     back (Sentinel promoting a replica) before it asks Entra ID alone, which may fork the refresh-token chain.
 *     Meanwhile a still valid access token is used to its end. Keep it under an attempt's timeout less the token
 *     request's.
 */
@ConfigurationProperties("partner-center.fleet")
public record FleetProperties(
        String tokenKey,
        @DefaultValue("partner-center-bff:") String keyPrefix,
        @DefaultValue("500ms") Duration timeout,
        @DefaultValue("3s") Duration failoverWait) {

    public FleetProperties {
        if (keyPrefix != null && (keyPrefix.contains("{") || keyPrefix.contains("}"))) {
            throw new Misconfiguration(
                    "partner-center.fleet.key-prefix holds a brace: " + keyPrefix,
                    "Leave braces out: the service puts Redis Cluster hash tags after the prefix, as in"
                            + " partner-center-bff:{tokens}:….");
        }
    }

    // Keeps the key out of logs and failure messages.
    @Override
    public String toString() {
        return "FleetProperties[keyPrefix=" + keyPrefix + ", timeout=" + timeout + ", failoverWait=" + failoverWait
                + "]";
    }
}
