package com.contoso.partnercenter.bff.partnercenter.fleet;

import com.contoso.partnercenter.bff.startup.Misconfiguration;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Fleet mode is on whenever Spring Boot's standard properties name a Redis: {@code spring.data.redis.url} or
 * {@code .host} (one Redis), {@code .sentinel.master} and {@code .sentinel.nodes} (Redis Sentinel), {@code
 * .cluster.nodes} (Redis Cluster). Every replica then shares its state there. Off, nothing about Redis exists
 * in the service at all (no connection, no health component), and each replica keeps its state in its own
 * memory.
 *
 * <p>A Redis named in a form the service cannot share state through fails the start, naming it, rather than
 * leaving each replica alone without a word: Sentinel nodes without a master name (Boot would quietly connect to
 * localhost), both Sentinel and Cluster, a static master/replica set (no failover, and Spring Data Redis has no
 * pub/sub on it, so updates would not reach the other replicas), a database other than 0 on a cluster, Jedis.
 *
 * @param on whether the replicas share their state in Redis.
 * @param topology the Redis, as the start's one line names it; never with a password.
 */
public record FleetMode(boolean on, String topology) {

    private static final String REDIS = "spring.data.redis.";
    private static final List<String> NAMES =
            List.of("url", "host", "sentinel.master", "sentinel.nodes", "cluster.nodes", "masterreplica.nodes");

    /** The fleet mode these properties ask for; a {@link Misconfiguration} when they ask for one it cannot do. */
    public static FleetMode of(PropertyResolver properties) {
        String url = property(properties, "url");
        String host = property(properties, "host");
        String master = property(properties, "sentinel.master");
        String sentinels = property(properties, "sentinel.nodes");
        String cluster = property(properties, "cluster.nodes");
        String masterReplica = property(properties, "masterreplica.nodes");
        if (!named(properties)) {
            return new FleetMode(false, "no Redis configured");
        }
        if ("jedis".equalsIgnoreCase(property(properties, "client-type"))) {
            throw new Misconfiguration(
                    REDIS + "client-type is jedis.",
                    "Leave it out (or set lettuce): fleet mode is built on Lettuce, the client Spring Boot uses by"
                            + " default.");
        }
        if (masterReplica != null) {
            throw new Misconfiguration(
                    REDIS + "masterreplica.nodes is set: a static master/replica set has no failover, and Spring Data"
                            + " Redis has no pub/sub on it, so an update on one replica would not reach the others.",
                    "Use Redis Sentinel (" + REDIS + "sentinel.master and " + REDIS + "sentinel.nodes), Redis Cluster ("
                            + REDIS + "cluster.nodes) or one Redis (" + REDIS + "url).");
        }
        if (sentinels != null && master == null) {
            throw new Misconfiguration(
                    REDIS + "sentinel.nodes is set without " + REDIS + "sentinel.master: Spring Boot would ignore the"
                            + " sentinels and connect to "
                            + (url != null || host != null ? "the url or host" : "localhost")
                            + ".",
                    "Set " + REDIS + "sentinel.master to the name the sentinels monitor (often mymaster).");
        }
        if (master != null && sentinels == null) {
            throw new Misconfiguration(
                    REDIS + "sentinel.master is set without " + REDIS + "sentinel.nodes.",
                    "List the sentinels, as in " + REDIS + "sentinel.nodes=sentinel-0:26379,sentinel-1:26379.");
        }
        if (master != null && cluster != null) {
            throw new Misconfiguration(
                    "Both " + REDIS + "sentinel.master and " + REDIS + "cluster.nodes are set.",
                    "Keep the one your Redis is: Sentinel or Cluster.");
        }
        if (master != null) {
            return new FleetMode(
                    true,
                    "Redis Sentinel master '" + master + "' via " + count(sentinels) + " sentinels"
                            + tls(properties, url));
        }
        if (cluster != null) {
            String database = property(properties, "database");
            if (database != null && !"0".equals(database)) {
                throw new Misconfiguration(
                        REDIS + "database is " + database + ": a Redis Cluster has database 0 only.",
                        "Leave " + REDIS + "database out, or use the key prefix partner-center.fleet.key-prefix to"
                                + " keep services apart.");
            }
            return new FleetMode(true, "Redis Cluster via " + count(cluster) + " seed nodes" + tls(properties, url));
        }
        if (url != null) {
            return new FleetMode(true, "one Redis at " + address(url) + tls(properties, url));
        }
        String port = property(properties, "port");
        return new FleetMode(
                true, "one Redis at " + host + ":" + (port != null ? port : "6379") + tls(properties, null));
    }

    /**
     * Whether these properties name a Redis, in a usable form or not: Boot's Redis is configured then, and {@link
     * #of} says whether the service can use it (a bean, so that a form it cannot fails the start with its report).
     */
    public static boolean named(PropertyResolver properties) {
        return NAMES.stream().anyMatch(name -> property(properties, name) != null);
    }

    /** The start's one line about it. */
    public String describe() {
        return "fleet mode " + (on ? "on: " : "off: ") + topology;
    }

    private static String property(PropertyResolver properties, String name) {
        String value = properties.getProperty(REDIS + name);
        return StringUtils.hasText(value) ? value.trim() : null;
    }

    private static long count(String nodes) {
        return Arrays.stream(nodes.split(",")).filter(StringUtils::hasText).count();
    }

    private static String tls(PropertyResolver properties, String url) {
        boolean tls = "true".equalsIgnoreCase(property(properties, "ssl.enabled"))
                || property(properties, "ssl.bundle") != null
                || (url != null && url.startsWith("rediss:"));
        return tls ? ", TLS" : "";
    }

    // Host and port only: the url may carry a user and a password.
    private static String address(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379);
        } catch (IllegalArgumentException unreadable) {
            throw new Misconfiguration(
                    REDIS + "url is not a Redis URL.",
                    "Write it as redis://[user:password@]host:port or rediss:// for TLS.");
        }
    }

    /** For the beans that exist only in fleet mode. */
    public static final class On extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return named(context.getEnvironment())
                    ? ConditionOutcome.match("spring.data.redis names a Redis")
                    : ConditionOutcome.noMatch("no Redis configured");
        }
    }

    /** For the beans that stand in for the fleet's when fleet mode is off. */
    public static final class Off extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConditionOutcome on = new On().getMatchOutcome(context, metadata);
            return new ConditionOutcome(!on.isMatch(), on.getConditionMessage());
        }
    }
}
