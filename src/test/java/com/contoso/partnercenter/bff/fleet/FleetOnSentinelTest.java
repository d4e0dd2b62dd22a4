package com.contoso.partnercenter.bff.fleet;

/** The fleet checks on Redis Sentinel ({@code spring.data.redis.sentinel.master} and {@code .nodes}). */
class FleetOnSentinelTest extends FleetChecks {
    @Override
    RedisTopology startRedis() {
        return RedisSentinel.start();
    }
}
