package com.contoso.partnercenter.bff.fleet;

/** The fleet checks on a Redis Cluster of three masters ({@code spring.data.redis.cluster.nodes}). */
class FleetOnClusterTest extends FleetChecks {
    @Override
    RedisTopology startRedis() {
        return RedisCluster.start();
    }
}
