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
 * counters stay few whoever calls. While the fleet watches customers for portals' streams, its readings are the
 * portal {@value CustomerWatch#PORTAL}, share 1 unless configured: a share of their own, taken from nobody while
 * nothing is watched (the others' buckets start afresh when it comes and goes, as with any change of shares).
 */
@Component
public class Portals {

    public static final String OTHER = CallingPortal.OTHER;

    private final Map<String, String> byClientId = new HashMap<>();
    private final Map<String, Integer> shares;
    private final Map<String, Integer> sharesWhileWatching;
    private volatile boolean watching;

    public Portals(PartnerCenterProperties properties) {
        Map<String, Integer> configured = new TreeMap<>(); // one order on every replica
        properties.portals().forEach((name, portal) -> {
            portal.clientIds().forEach(clientId -> byClientId.put(clientId, name));
            configured.put(name, portal.share());
        });
        Map<String, Integer> all = new LinkedHashMap<>(configured);
        all.put(OTHER, 1);
        this.shares = Collections.unmodifiableMap(all);
        Map<String, Integer> withWatch = new LinkedHashMap<>(configured);
        withWatch.putIfAbsent(CustomerWatch.PORTAL, 1);
        withWatch.put(OTHER, 1);
        this.sharesWhileWatching = Collections.unmodifiableMap(withWatch);
    }

    /** The portal whose token carries this client id. */
    public String named(String clientId) {
        return clientId == null ? OTHER : byClientId.getOrDefault(clientId, OTHER);
    }

    /** Every portal and its share now, {@value #OTHER} last, in the same order on every replica. */
    public Map<String, Integer> shares() {
        return watching ? sharesWhileWatching : shares;
    }

    /** Every portal that may have a share, the watch's included. */
    public Map<String, Integer> everyShare() {
        return sharesWhileWatching;
    }

    /** Whether more than one portal shares the quota, that is, whether any portal is configured. */
    public boolean shared() {
        return shares.size() > 1;
    }

    /** Whether the fleet watches customers now, as this replica last saw. */
    void watching(boolean watching) {
        this.watching = watching;
    }
}
