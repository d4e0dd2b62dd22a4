package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.ConsentState;
import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import com.contoso.partnercenter.bff.partnercenter.auth.TokenStore;
import com.contoso.partnercenter.bff.partnercenter.cache.SharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.throttle.GateStore;
import com.contoso.partnercenter.bff.partnercenter.throttle.Quota;
import com.contoso.partnercenter.bff.partnercenter.throttle.QuotaProperties;
import com.contoso.partnercenter.bff.portal.Portals;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the client keeps its state: the tokens, whether the consent must be renewed, the throttle gates, the quota and the answers, each built on the
 * service's one {@link FleetState} (this replica's memory, or the fleet's Redis: chosen by {@code
 * FleetConfiguration}).
 */
record ClientState(TokenStore tokens, ConsentState consent, GateStore gates, Quota quota, SharedAnswers answers) {

    static ClientState on(
            FleetState state,
            TokenCipher cipher,
            FleetProperties fleet,
            PartnerCenterProperties properties,
            Portals portals,
            JsonMapper json,
            MeterRegistry meters,
            Clock clock) {
        return new ClientState(
                new TokenStore(
                        state,
                        cipher,
                        EntraIdTokens.registrations(properties.auth()),
                        json,
                        clock,
                        // A refused token request is tried once more under the same lock, with the state read around
                        // it.
                        properties.auth().timeout().multipliedBy(2).plusSeconds(2),
                        fleet.failoverWait()),
                new ConsentState(state, meters, clock),
                new GateStore(state),
                new Quota(new QuotaProperties(properties.quota()), portals, state),
                new SharedAnswers(
                        state, json, properties.deadline(), properties.cache().staleIfError(), clock));
    }
}
