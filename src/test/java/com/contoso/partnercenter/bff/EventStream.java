package com.contoso.partnercenter.bff;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A portal's stream of customer events (GET /api/v1/customer-events), read as a portal reads it: line by line on a
 * thread of its own, each event and each comment kept in the order they came, with when they came.
 */
public final class EventStream implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event: its name, id and data. */
    public record Event(String name, long id, JsonNode data, long receivedNanos) {
        public String customerId() {
            return data.path("customerId").asString();
        }
    }

    /** Something that came on the stream: an event or a comment (then {@code event} is null). */
    private record Arrived(Event event, String comment, long nanos) {}

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Arrived> arrived = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final List<String> comments = new ArrayList<>();
    private volatile long endedNanos;

    private EventStream(HttpResponse<InputStream> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread reader = new Thread(this::read, "event-stream");
            reader.setDaemon(true);
            reader.start();
        } else {
            ended.countDown();
        }
    }

    /** Opens the stream of these customers with the token; the answer's status says whether it started. */
    public static EventStream open(int port, String token, List<String> customerIds) {
        return open(port, token, customerIds, "GET", "text/event-stream");
    }

    /** The same with another method (HEAD) or {@code Accept} header. */
    public static EventStream open(int port, String token, List<String> customerIds, String method, String accept) {
        StringBuilder query = new StringBuilder();
        for (String id : customerIds) {
            query.append(query.isEmpty() ? "?" : "&").append("customerId=").append(id);
        }
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/customer-events" + query))
                .header("Authorization", "Bearer " + token)
                .header("Accept", accept)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            return new EventStream(HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The body of an answer that is not a stream (a problem). */
    public JsonNode problem() {
        try (InputStream body = response.body()) {
            return JsonMapper.shared().readTree(body.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next event within {@code within}, comments passed over; null when none came. */
    public Event next(Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        for (long left = within.toNanos(); left > 0; left = until - System.nanoTime()) {
            Arrived next = arrived.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return null;
            }
            if (next.event() != null) {
                return next.event();
            }
        }
        return null;
    }

    /** The next {@code count} events, each within {@code within}; fails when one does not come. */
    public List<Event> next(int count, Duration within) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        while (events.size() < count) {
            Event event = next(within);
            if (event == null) {
                throw new AssertionError("only " + events.size() + " of " + count + " events came: " + events);
            }
            events.add(event);
        }
        return events;
    }

    /** Waits for the next comment (events before it are dropped); its arrival in nanoTime, or -1 when none came. */
    public long nextComment(Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        for (long left = within.toNanos(); left > 0; left = until - System.nanoTime()) {
            Arrived next = arrived.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return -1;
            }
            if (next.comment() != null) {
                return next.nanos();
            }
        }
        return -1;
    }

    /** Whether the service ended the stream within {@code within}. */
    public boolean endsWithin(Duration within) throws InterruptedException {
        return ended.await(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** When the service ended the stream, in nanoTime. */
    public long endedNanos() {
        return endedNanos;
    }

    /** The portal goes away: the connection is closed. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    private void read() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            long id = -1;
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (name != null || !data.isEmpty()) {
                        arrived.add(new Arrived(
                                new Event(name, id, JsonMapper.shared().readTree(data.toString()), System.nanoTime()),
                                null,
                                System.nanoTime()));
                    }
                    name = null;
                    id = -1;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    synchronized (comments) {
                        comments.add(line);
                    }
                    arrived.add(new Arrived(null, line, System.nanoTime()));
                } else if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring("id: ".length()));
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring("data: ".length()));
                }
            }
        } catch (IOException closed) {
            // closed by the test, or by the service
        } finally {
            endedNanos = System.nanoTime();
            ended.countDown();
        }
    }
}
