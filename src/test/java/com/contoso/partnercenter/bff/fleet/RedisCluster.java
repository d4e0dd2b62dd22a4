package com.contoso.partnercenter.bff.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.util.FileSystemUtils;

/**
 * A Redis Cluster of three masters, as the clustered tiers of managed Redis are (Azure Managed Redis with the OSS
 * cluster policy, ElastiCache in cluster mode): Debian's redis-server with {@code --cluster-enabled yes}, joined
 * by {@code redis-cli --cluster create}, every slot covered before the tests start.
 */
public final class RedisCluster implements RedisTopology {

    private final int[] ports;
    private final Path directory;
    private final List<Process> nodes = new ArrayList<>();

    private RedisCluster(int[] ports, Path directory) {
        this.ports = ports;
        this.directory = directory;
    }

    static RedisCluster start() {
        Path directory;
        try {
            directory = Files.createTempDirectory("redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var cluster = new RedisCluster(RedisProcesses.freePorts(3), directory);
        for (int port : cluster.ports) {
            cluster.nodes.add(RedisProcesses.server(
                    port,
                    List.of(
                            "--port", Integer.toString(port),
                            "--bind", "127.0.0.1",
                            "--dir", directory.toString(),
                            "--cluster-enabled", "yes",
                            "--cluster-config-file", "nodes-" + port + ".conf",
                            "--cluster-node-timeout", "2000",
                            "--save", "",
                            "--appendonly", "no")));
        }
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        Arrays.stream(cluster.ports).forEach(port -> create.add("127.0.0.1:" + port));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        RedisProcesses.cli(cluster.ports[0], create.toArray(String[]::new));
        RedisProcesses.await(
                "the cluster's slots",
                Duration.ofSeconds(20),
                () -> Arrays.stream(cluster.ports)
                        .allMatch(port -> String.valueOf(RedisProcesses.cli(port, "CLUSTER", "INFO"))
                                .contains("cluster_state:ok")));
        return cluster;
    }

    @Override
    public Map<String, String> springProperties() {
        return Map.of(
                "spring.data.redis.cluster.nodes",
                Arrays.stream(ports).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(",")));
    }

    @Override
    public String get(String key) {
        String value = RedisProcesses.cli(ports[0], "GET", key); // raw: nothing for none
        return value == null || value.isEmpty() ? null : value;
    }

    /** In which slot a key is, as the cluster computes it. */
    long slot(String key) {
        return Long.parseLong(RedisProcesses.cli(ports[0], "CLUSTER", "KEYSLOT", key));
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcesses::stop);
        FileSystemUtils.deleteRecursively(directory.toFile());
    }
}
