package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import com.contoso.partnercenter.bff.partnercenter.auth.LocalTokenStore;
import com.contoso.partnercenter.bff.partnercenter.auth.RedisTokenStore;
import com.contoso.partnercenter.bff.partnercenter.auth.TokenStore;
import com.contoso.partnercenter.bff.partnercenter.cache.RedisSharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.cache.SharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.throttle.GateStore;
import com.contoso.partnercenter.bff.partnercenter.throttle.LocalGateStore;
import com.contoso.partnercenter.bff.partnercenter.throttle.LocalQuota;
import com.contoso.partnercenter.bff.partnercenter.throttle.Quota;
import com.contoso.partnercenter.bff.partnercenter.throttle.QuotaProperties;
import com.contoso.partnercenter.bff.partnercenter.throttle.RedisGateStore;
import com.contoso.partnercenter.bff.partnercenter.throttle.RedisQuota;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the client keeps its state: the tokens, the throttle gates, the quota and the answers. This is the one
 * place that chooses between this replica's memory alone and the fleet's Redis; each Redis store stands on its
 * in-memory sibling while Redis is away.
 */
record ClientState(TokenStore tokens, GateStore gates, Quota quota, SharedAnswers answers) {

    /** A replica alone: every state in its own memory. */
    static ClientState alone(PartnerCenterProperties properties, Clock clock) {
        return new ClientState(
                new LocalTokenStore(clock),
                new LocalGateStore(clock),
                new LocalQuota(new QuotaProperties(properties.quota())),
                SharedAnswers.none(clock));
    }

    /** One of a fleet: every state shared in Redis. */
    static ClientState fleet(
            FleetRedis redis,
            TokenCipher cipher,
            FleetProperties fleet,
            PartnerCenterProperties properties,
            JsonMapper json,
            Clock clock) {
        return new ClientState(
                new RedisTokenStore(
                        redis,
                        cipher,
                        EntraIdTokens.registrations(properties.auth()),
                        json,
                        clock,
                        // A refused token request is tried once more under the same lock, with Redis reads around it.
                        properties.auth().timeout().multipliedBy(2).plusSeconds(2),
                        fleet.failoverWait()),
                new RedisGateStore(redis, new LocalGateStore(clock)),
                new RedisQuota(new QuotaProperties(properties.quota()), redis),
                new RedisSharedAnswers(redis, json, properties.deadline(), clock));
    }
}
