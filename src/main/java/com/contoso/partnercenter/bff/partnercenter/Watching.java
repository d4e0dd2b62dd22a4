package com.contoso.partnercenter.bff.partnercenter;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One stream's watch of its customers ({@link CustomerWatch#watch}): the states to send, in order, each a change
 * from the last one this stream was given for the customer, its first state first. Taken by the stream's own
 * thread ({@link #next}), blocking; closed when the stream ends.
 */
public final class Watching implements AutoCloseable {

    private static final Object END = new Object();

    private final Map<String, String> asked; // lower case to the portal's spelling
    private final Map<String, CustomerState> given = new HashMap<>();
    private final BlockingQueue<Object> states = new LinkedBlockingQueue<>();
    private final Consumer<Watching> closing;
    private volatile boolean ended;

    Watching(Map<String, String> asked, Consumer<Watching> closing) {
        this.asked = Map.copyOf(asked);
        this.closing = closing;
    }

    /** The customers (ids in lower case). */
    Set<String> customers() {
        return asked.keySet();
    }

    /** A customer's state as the watch knows it now (its id in lower case): kept for the stream if it is news. */
    void offer(CustomerState state) {
        String id = asked.get(state.customerId());
        if (id == null) {
            return;
        }
        CustomerState theirs = new CustomerState(id, state.validationStatus(), state.qualifications());
        synchronized (given) { // queued in the order decided: the last one queued is the one given
            if (theirs.equals(given.get(id))) {
                return;
            }
            given.put(id, theirs);
            states.add(theirs);
        }
    }

    /** The service stops: the stream ends. */
    void end() {
        ended = true;
        states.add(END);
    }

    /**
     * The next state to send, waiting at most {@code within}: {@code null} when none came, or when the watch
     * {@link #ended()}.
     */
    public CustomerState next(Duration within) throws InterruptedException {
        Object next = states.poll(Math.max(0, within.toNanos()), TimeUnit.NANOSECONDS);
        return next instanceof CustomerState state ? state : null;
    }

    /** Whether the service is stopping: the stream ends now, and the portal reconnects to another replica. */
    public boolean ended() {
        return ended;
    }

    /** The stream is over: its customers are no longer watched for it. */
    @Override
    public void close() {
        closing.accept(this);
    }
}
