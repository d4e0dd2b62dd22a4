package com.contoso.partnercenter.bff.portal;

import com.contoso.partnercenter.bff.startup.Misconfiguration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The portals the service knows, by client id, and their shares of the partner's quota. A client id nobody
 * configured is the portal {@value #OTHER}, with share 1, so metric tags and quota counters stay few whoever
 * calls.
 */
public final class Portals {

    public static final String OTHER = "other";

    private final Map<String, String> byClientId = new HashMap<>();
    private final Map<String, Integer> shares;

    public Portals(PortalProperties properties) {
        Map<String, Integer> configured = new TreeMap<>(); // one order on every replica
        properties.portals().forEach((name, portal) -> {
            if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new Misconfiguration(
                        "partner-center.portals." + name + " is not a portal name the service can use.",
                        "Name portals with lower-case letters, digits and dashes (up to 63), such as"
                                + " partner-center.portals.sales-portal.client-ids.");
            }
            if (name.equals(OTHER)) {
                throw new Misconfiguration(
                        "partner-center.portals.other names the portal of every unconfigured client id.",
                        "Give the portal another name.");
            }
            int share = portal.share() == null ? 1 : portal.share();
            if (share < 1 || share > 1000) {
                throw new Misconfiguration(
                        "partner-center.portals." + name + ".share is " + share + ".",
                        "Set it between 1 and 1000, or leave it out for 1.");
            }
            List<String> clientIds = portal.clientIds() == null ? List.of() : portal.clientIds();
            if (clientIds.isEmpty()) {
                throw new Misconfiguration(
                        "partner-center.portals." + name + ".client-ids is empty.",
                        "List the client ids (azp, appid or client_id) of the portal's tokens.");
            }
            for (String clientId : clientIds) {
                String before = byClientId.putIfAbsent(clientId, name);
                if (before != null) {
                    throw new Misconfiguration(
                            "The client id " + clientId + " is in partner-center.portals." + before
                                    + ".client-ids and partner-center.portals." + name + ".client-ids.",
                            "Give each client id to one portal.");
                }
            }
            configured.put(name, share);
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
