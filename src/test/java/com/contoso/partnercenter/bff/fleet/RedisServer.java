package com.contoso.partnercenter.bff.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real Redis for the fleet tests: Debian's {@code redis-server}, started by the test on a free port of its
 * own, with nothing saved to disk, and stopped (or stopped and started again, empty, on the same port) by it.
 */
public final class RedisServer implements RedisTopology, BeforeAllCallback, AfterAllCallback {

    static final Path BINARY = Path.of(System.getProperty("redis.server", "/usr/bin/redis-server"));

    private final int port;
    private Process process;
    private LettuceConnectionFactory connections;

    private RedisServer(int port) {
        this.port = port;
    }

    /** One for a test class: {@code @RegisterExtension static RedisServer redis = RedisServer.perClass();}. */
    public static RedisServer perClass() {
        checkInstalled();
        return new RedisServer(freePort());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startAgain();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public static RedisServer start() {
        checkInstalled();
        RedisServer server = new RedisServer(freePort());
        server.startAgain();
        return server;
    }

    private static void checkInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: the fleet tests need Debian's redis-server"
                    + " (apt-get install redis-server; .ci/run installs it)");
        }
    }

    @Override
    public Map<String, String> springProperties() {
        return Map.of("spring.data.redis.url", url());
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts it (again, empty) on its port, and waits until it answers. */
    public void startAgain() {
        try {
            process = new ProcessBuilder(List.of(
                            BINARY.toString(),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"+PONG".equals(command("PING"))) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("redis-server did not answer on port " + port);
            }
            sleep(20);
        }
    }

    /** Stops it at once, as a crash or an eviction would. */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Spring Data Redis's Lettuce connections to it, as the application makes them; closed with the server. */
    public synchronized LettuceConnectionFactory connections() {
        if (connections == null) {
            connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
            connections.afterPropertiesSet();
            connections.start();
        }
        return connections;
    }

    @Override
    public void close() {
        if (connections != null) {
            connections.destroy();
        }
        stop();
    }

    /** One inline command's first reply line ({@code +PONG}, {@code :1}, {@code $-1}…), or null when nobody answers. */
    public String command(String command) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        } catch (IOException refused) {
            return null;
        }
    }

    /** How many connections listen on {@code channel} ({@code PUBSUB NUMSUB}); 0 when nobody answers. */
    public int subscribers(String channel) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(("PUBSUB NUMSUB " + channel + "\r\n").getBytes(StandardCharsets.UTF_8));
            var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            in.readLine(); // *2
            in.readLine(); // $length
            in.readLine(); // the channel
            return Integer.parseInt(in.readLine().substring(1)); // :count
        } catch (IOException | RuntimeException nobody) {
            return 0;
        }
    }

    /** The value at {@code key}, or null when there is none (or nobody answers). */
    @Override
    public String get(String key) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + key + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder header = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
                header.append((char) b);
            }
            in.read(); // \n
            int length = Integer.parseInt(header.substring(1));
            return length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } catch (IOException refused) {
            return null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
