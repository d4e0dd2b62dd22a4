package com.contoso.partnercenter.bff.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.util.FileSystemUtils;

/**
 * Redis Sentinel as the Bitnami chart's HA mode runs it: a master, a replica, three sentinels with a quorum of
 * two watching them (a master is down after a second without answering). {@link #killMaster} kills the master
 * as a node failure would; the sentinels promote the replica.
 */
public final class RedisSentinel implements RedisTopology {

    static final String MASTER_NAME = "mymaster";

    private final Path directory;
    private final int[] dataPorts;
    private final int[] sentinelPorts;
    private final Process[] data = new Process[2];
    private final List<Process> sentinels = new ArrayList<>();

    private RedisSentinel(Path directory, int[] ports) {
        this.directory = directory;
        this.dataPorts = new int[] {ports[0], ports[1]};
        this.sentinelPorts = new int[] {ports[2], ports[3], ports[4]};
    }

    static RedisSentinel start() {
        Path directory;
        try {
            directory = Files.createTempDirectory("redis-sentinel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var topology = new RedisSentinel(directory, RedisProcesses.freePorts(5));
        int master = topology.dataPorts[0];
        topology.data[0] = RedisProcesses.server(master, dataArguments(master));
        List<String> replica = new ArrayList<>(dataArguments(topology.dataPorts[1]));
        replica.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master)));
        topology.data[1] = RedisProcesses.server(topology.dataPorts[1], replica);
        for (int port : topology.sentinelPorts) {
            Path configuration = directory.resolve("sentinel-" + port + ".conf");
            try {
                // The sentinels rewrite their file as they learn: one each, writable.
                Files.writeString(
                        configuration,
                        String.join(
                                "\n",
                                "port " + port,
                                "bind 127.0.0.1",
                                "dir " + directory,
                                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master + " 2",
                                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                                "sentinel parallel-syncs " + MASTER_NAME + " 1",
                                ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            topology.sentinels.add(RedisProcesses.server(port, List.of(configuration.toString(), "--sentinel")));
        }
        RedisProcesses.await("the sentinels, knowing the replica and each other", Duration.ofSeconds(20), () -> {
            for (int port : topology.sentinelPorts) {
                String master_ = RedisProcesses.cli(port, "SENTINEL", "MASTER", MASTER_NAME);
                if (master_ == null || !master_.matches("(?s).*num-slaves\\s+1\\s.*num-other-sentinels\\s+2\\s.*")) {
                    return false;
                }
            }
            return true;
        });
        return topology;
    }

    // A replica writes the master's snapshot to its directory even without --save: a temporary one, not the
    // directory the build runs in.
    private static List<String> dataArguments(int port) {
        try {
            Path directory = Files.createTempDirectory("redis-" + port);
            directory.toFile().deleteOnExit();
            return List.of(
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    directory.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> springProperties() {
        return Map.of(
                "spring.data.redis.sentinel.master",
                MASTER_NAME,
                "spring.data.redis.sentinel.nodes",
                java.util.Arrays.stream(sentinelPorts)
                        .mapToObj(port -> "127.0.0.1:" + port)
                        .collect(Collectors.joining(",")));
    }

    /** The port of the master the sentinels name now. */
    int masterPort() {
        String address = RedisProcesses.cli(sentinelPorts[0], "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        return Integer.parseInt(address.lines().toList().get(1).trim());
    }

    @Override
    public String get(String key) {
        String value = RedisProcesses.cli(masterPort(), "GET", key);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * Kills the master at once, as a node failure does, and waits until the sentinels have promoted the replica;
     * how long that took.
     */
    Duration killMaster() {
        int old = masterPort();
        int index = old == dataPorts[0] ? 0 : 1;
        long started = System.nanoTime();
        RedisProcesses.stop(data[index]);
        RedisProcesses.await("the sentinels' failover", Duration.ofSeconds(30), () -> {
            try {
                return masterPort() != old;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcesses::stop);
        for (Process process : data) {
            RedisProcesses.stop(process);
        }
        FileSystemUtils.deleteRecursively(directory.toFile());
    }
}
