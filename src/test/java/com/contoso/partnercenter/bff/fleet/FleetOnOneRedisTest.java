package com.contoso.partnercenter.bff.fleet;

/** The fleet checks on one standalone Redis ({@code spring.data.redis.url}). */
class FleetOnOneRedisTest extends FleetChecks {
    @Override
    RedisTopology startRedis() {
        return RedisServer.start();
    }
}
