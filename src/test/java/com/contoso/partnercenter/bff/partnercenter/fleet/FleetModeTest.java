package com.contoso.partnercenter.bff.partnercenter.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.startup.Misconfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Every Redis Spring Boot connects to turns fleet mode on, and says so; a form the service cannot use stops it. */
class FleetModeTest {

    static FleetMode mode(String... properties) {
        var environment = new MockEnvironment();
        for (int i = 0; i + 1 < properties.length; i += 2) {
            environment.setProperty("spring.data.redis." + properties[i], properties[i + 1]);
        }
        return FleetMode.of(environment);
    }

    @Test
    void noRedisIsFleetModeOff() {
        assertThat(mode().describe()).isEqualTo("fleet mode off: no Redis configured");
        assertThat(mode("timeout", "500ms").on()).isFalse();
    }

    @Test
    void eachTopologySpringBootKnowsTurnsItOn() {
        assertThat(mode("url", "rediss://bff:s3cret@redis.example:6380").describe())
                .isEqualTo("fleet mode on: one Redis at redis.example:6380, TLS")
                .doesNotContain("s3cret", "bff:");
        assertThat(mode("host", "redis").describe()).isEqualTo("fleet mode on: one Redis at redis:6379");
        assertThat(mode("sentinel.master", "mymaster", "sentinel.nodes", "s0:26379, s1:26379,s2:26379")
                        .describe())
                .isEqualTo("fleet mode on: Redis Sentinel master 'mymaster' via 3 sentinels");
        assertThat(mode("cluster.nodes", "n0:7000,n1:7001,n2:7002", "ssl.enabled", "true")
                        .describe())
                .isEqualTo("fleet mode on: Redis Cluster via 3 seed nodes, TLS");
    }

    @Test
    void aFormTheServiceCannotUseIsRefusedNamingIt() {
        assertThatThrownBy(() -> mode("sentinel.nodes", "s0:26379"))
                .isInstanceOf(Misconfiguration.class)
                .hasMessageContaining("spring.data.redis.sentinel.master");
        assertThatThrownBy(() -> mode("sentinel.master", "mymaster"))
                .hasMessageContaining("spring.data.redis.sentinel.nodes");
        assertThatThrownBy(() -> mode("sentinel.master", "m", "sentinel.nodes", "s:1", "cluster.nodes", "n:2"))
                .hasMessageContaining("Both");
        assertThatThrownBy(() -> mode("masterreplica.nodes", "a:1,b:2"))
                .hasMessageContaining("spring.data.redis.masterreplica.nodes");
        assertThatThrownBy(() -> mode("cluster.nodes", "n:1", "database", "2")).hasMessageContaining("database is 2");
        assertThatThrownBy(() -> mode("host", "redis", "client-type", "jedis"))
                .hasMessageContaining("client-type is jedis");
    }
}
