package com.contoso.partnercenter.bff.portal;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The portals a partner runs against the service: {@code partner-center.portals.<name>.client-ids} (their
 * tokens' client ids) and {@code .share} (a weight, default 1) of the partner's quota. Every other client id is
 * the portal {@code other}, share 1.
 */
@ConfigurationProperties("partner-center")
public record PortalProperties(Map<String, Portal> portals) {

    /**
     * @param clientIds the client ids ({@code azp}, {@code appid} or {@code client_id}) of the portal's tokens.
     * @param share the portal's weight in the partner's quota; {@code null} for 1.
     */
    public record Portal(List<String> clientIds, Integer share) {}

    public PortalProperties {
        portals = portals == null ? Map.of() : Map.copyOf(portals);
    }
}
