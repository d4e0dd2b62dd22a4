package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.correlation.CallingPortal;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * The portals the service knows ({@code partner-center.portals}), by client id, and their shares of the partner's
 * quota. A client id nobody configured is the portal {@value #OTHER}, with share 1, so metric tags and quota
 * counters stay few whoever calls.
 */
@Component
public class Portals {

    public static final String OTHER = CallingPortal.OTHER;

    private final Map<String, String> byClientId = new HashMap<>();
    private final Map<String, Integer> shares;

    public Portals(PartnerCenterProperties properties) {
        Map<String, Integer> configured = new TreeMap<>(); // one order on every replica
        properties.portals().forEach((name, portal) -> {
            portal.clientIds().forEach(clientId -> byClientId.put(clientId, name));
            configured.put(name, portal.share());
        });
        Map<String, Integer> all = new LinkedHashMap<>(configured);
        all.put(OTHER, 1);
        this.shares = Collections.unmodifiableMap(all);
    }

    /** The portal whose token carries this client id. */
    public String named(String clientId) {
        return clientId == null ? OTHER : byClientId.getOrDefault(clientId, OTHER);
    }

    /** Every portal and its share, {@value #OTHER} last, in the same order on every replica. */
    public Map<String, Integer> shares() {
        return shares;
    }

    /** Whether more than one portal shares the quota, that is, whether any portal is configured. */
    public boolean shared() {
        return shares.size() > 1;
    }
}
