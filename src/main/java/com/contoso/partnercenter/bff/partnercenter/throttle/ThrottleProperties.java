package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.util.EnumMap;
import java.util.Map;

/**
 * Throttle gates: a 429 closes its scope's gate for its {@code Retry-After}, and calls in the scope are
 * answered 503 at once, without asking Partner Center, until it opens.
 *
 * @param scope per operation ({@code validation-codes}, {@code qualifications}, {@code qualification-sync},
 *     {@code qualification-update}, {@code validation-status}): {@code customer} (a 429 holds back that
 *     customer's calls of the operation; the default) or {@code partner} (all its calls). The validation codes
 *     are the partner's, so their gate is always the partner's.
 */
public record ThrottleProperties(Map<String, ThrottleScope> scope) {

    public ThrottleProperties {
        scope = scope == null ? Map.of() : Map.copyOf(scope);
        for (String name : scope.keySet()) {
            if (Operation.named(name) == null) {
                throw new IllegalArgumentException("partner-center.throttle.scope." + name
                        + " names no operation; the operations are " + Operation.names() + ".");
            }
        }
    }

    /** Each operation's scope, {@code customer} unless configured otherwise. */
    public Map<Operation, ThrottleScope> scopes() {
        Map<Operation, ThrottleScope> scopes = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            scopes.put(operation, scope.getOrDefault(operation.instanceName(), ThrottleScope.CUSTOMER));
        }
        return scopes;
    }
}
