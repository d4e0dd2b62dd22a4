package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.startup.Misconfiguration;
import java.util.Map;

/**
 * A quota the partner knows, kept before Partner Center has to say so with 429s: {@code
 * partner-center.quota.<operation>.requests-per-minute}, counted across all replicas in fleet mode. Operations
 * without one are not limited.
 *
 * @param limits per operation name ({@code validation-codes}, {@code qualifications}, …), as bound from {@code
 *     partner-center.quota}.
 */
public record QuotaProperties(Map<String, Limit> limits) {

    /** @param requestsPerMinute how many requests of the operation Partner Center may receive a minute. */
    public record Limit(int requestsPerMinute) {}

    public QuotaProperties {
        limits = limits == null ? Map.of() : Map.copyOf(limits);
        limits.forEach((name, limit) -> {
            if (Operation.named(name) == null) {
                throw new Misconfiguration(
                        "partner-center.quota." + name + " names no operation.",
                        "Use one of " + Operation.names() + ", as in partner-center.quota.validation-status"
                                + ".requests-per-minute=300.");
            }
            if (limit.requestsPerMinute() < 1) {
                throw new Misconfiguration(
                        "partner-center.quota." + name + ".requests-per-minute is " + limit.requestsPerMinute() + ".",
                        "Set it to at least 1, or leave it out for no quota.");
            }
        });
    }

    /** Whether any operation has a quota. */
    public boolean any() {
        return !limits.isEmpty();
    }

    /** The operation's requests per minute, or 0 when it has no quota. */
    public int requestsPerMinute(Operation operation) {
        Limit limit = limits.get(operation.instanceName());
        return limit == null ? 0 : limit.requestsPerMinute();
    }
}
