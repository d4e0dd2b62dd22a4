package com.contoso.partnercenter.bff.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Debian's redis-server and redis-cli, as the topology tests start and ask them. */
final class RedisProcesses {

    static final Path CLI = Path.of(System.getProperty("redis.cli", "/usr/bin/redis-cli"));

    private RedisProcesses() {}

    /** {@code redis-server} with these arguments, answering PING on {@code port}. */
    static Process server(int port, List<String> arguments) {
        return server(arguments, "redis-server on port " + port, () -> "PONG".equals(cli(port, "PING")));
    }

    /** {@code redis-server} with these arguments, once {@code ready} says it is. */
    static Process server(List<String> arguments, String what, BooleanSupplier ready) {
        List<String> command = new ArrayList<>();
        command.add(RedisServer.BINARY.toString());
        command.addAll(arguments);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await(what, Duration.ofSeconds(10), ready);
        return process;
    }

    /** One command through {@code redis-cli} ({@code -c}: following a cluster's redirections); its output. */
    static String cli(int port, String... command) {
        return cli(List.of("-p", Integer.toString(port), "-c"), command);
    }

    /** One command through {@code redis-cli} with these options (TLS, a user); its output. */
    static String cli(List<String> options, String... command) {
        List<String> line = new ArrayList<>(List.of(CLI.toString(), "-h", "127.0.0.1"));
        line.addAll(options);
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void stop(Process process) {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code count} free ports below 55536 whose cluster bus ports (+10000) are free too, so a node of a cluster
     * can use any of them.
     */
    static int[] freePorts(int count) {
        int[] ports = new int[count];
        int found = 0;
        while (found < count) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 45_000);
            if (free(port) && free(port + 10_000)) {
                boolean taken = false;
                for (int i = 0; i < found; i++) {
                    taken |= Math.abs(ports[i] - port) < 1 || ports[i] == port + 10_000 || ports[i] + 10_000 == port;
                }
                if (!taken) {
                    ports[found++] = port;
                }
            }
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    static void await(String what, Duration within, BooleanSupplier done) {
        long until = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(what + " was not ready within " + within);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
