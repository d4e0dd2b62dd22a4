package com.contoso.partnercenter.bff.partnercenter.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The few things every piece of the service's state is built on (the token chain, the shared answers, the
 * throttle gates, the quota): values with a TTL, compare-and-set, counters, broadcast and a lock taken in turn.
 * A replica alone keeps them in its memory ({@link InMemoryFleetState}); one of a fleet in Redis ({@link
 * RedisFleetState}), for every replica. The stores are written once, against this.
 *
 * <p>Every operation may answer nothing instead (an empty {@code Mono}): the state did not answer in time (Redis
 * away, or failing over). The caller then goes on with this replica's memory, its {@link #standIn()}; the state
 * is never a reason for a 5xx.
 *
 * <p>Keys are {@code prefix{group}:parts}. The braces are Redis Cluster's hash tag: the keys of one group (one
 * customer, the token chains, one gate, one quota) live in one slot, so an operation on several keys must keep
 * to one group, and both implementations refuse one that does not.
 */
public abstract class FleetState {

    private static final Duration POLL = Duration.ofMillis(25);
    private static final int TURNS = 3;

    private final String prefix;
    final Clock clock;

    FleetState(String prefix, Clock clock) {
        this.prefix = prefix;
        this.clock = clock;
    }

    /** The key of a group's part: {@code prefix{group}:parts}, such as {@code partner-center-bff:{tokens}:lock}. */
    public final String key(String group, String... parts) {
        String key = prefix + "{" + group + "}";
        return parts.length == 0 ? key : key + ":" + String.join(":", parts);
    }

    /** The start of the keys of every group whose name starts with {@code start}. */
    public final String groupsStartingWith(String start) {
        return prefix + "{" + start;
    }

    /** A broadcast channel of this service: channels belong to no group. */
    public final String channel(String name) {
        return prefix + name;
    }

    /** Whether other replicas see this state: false for a replica's own memory. */
    public abstract boolean reachesOtherReplicas();

    /**
     * This replica's memory, where its stores keep what they know and count while this state does not answer:
     * the state itself when it is memory already.
     */
    public abstract InMemoryFleetState standIn();

    // ---- values with a TTL

    /** The value at {@code key}: one or none; empty only when the state did not answer. */
    public abstract Mono<Optional<String>> find(String key);

    /** The value at {@code key}; empty when there is none, or no answer. */
    public final Mono<String> get(String key) {
        return find(key).flatMap(Mono::justOrEmpty);
    }

    /** The values at keys of one group, in order, null for none; empty when the state did not answer. */
    public abstract Mono<List<String>> getAll(List<String> keys);

    /** Removes the values at keys of one group; true once done, empty when the state did not answer. */
    public abstract Mono<Boolean> delete(List<String> keys);

    /** Keeps {@code value} at {@code key} for {@code ttl}, over whatever was there. */
    public abstract Mono<Boolean> put(String key, String value, Duration ttl);

    // ---- compare-and-set

    /** Keeps {@code value} at {@code key} for {@code ttl} if there is none; whether it was kept. */
    public abstract Mono<Boolean> putIfAbsent(String key, String value, Duration ttl);

    /** Replaces the value at {@code key} with {@code value} (for {@code ttl}) if it is still {@code expected}. */
    public abstract Mono<Boolean> replace(String key, String expected, String value, Duration ttl);

    /**
     * Keeps {@code value} at {@code key} for {@code ttl}, unless the counter at {@code counterKey} (same group) is
     * no longer {@code seen} ("" for none): a value worked out before a change is not kept after it.
     */
    public abstract Mono<Boolean> putUnlessCounted(
            String key, String value, Duration ttl, String counterKey, String seen);

    /** Keeps the later of the instant at {@code key} and {@code until}, each only until it has passed. */
    public abstract Mono<Boolean> keepLater(String key, Instant until);

    /**
     * A value whose versions the state counts. Version 0 is provisional (a seed): any write replaces it.
     *
     * @param version the stored version
     * @param value the stored value
     */
    public record Versioned(long version, String value) {}

    /** The versioned value at {@code key}: one or none; empty when the state did not answer. */
    public abstract Mono<Optional<Versioned>> findVersioned(String key);

    /**
     * Writes {@code value} as the next version, if what is stored is the version {@code replaces} or an older one
     * (the state lost a later write: a failover promoted a replica that had not received it), provisional, or
     * nothing. Answers the new version, or 0 when a later one is stored.
     */
    public abstract Mono<Long> compareAndSet(String key, String value, long replaces);

    /**
     * Records {@code member} in the set at {@code seenKey} (same group) and, if it is new there, writes {@code
     * value} in the same step: over what is stored, as its next version, or, with nothing stored, as provisional.
     * Answers the version written, or -1 when the set had the member already.
     */
    public abstract Mono<Long> putIfFirstSeen(String key, String value, String seenKey, String member);

    /** Adds members to the set at {@code key}; how many were new, or empty when the state did not answer. */
    public abstract Mono<Long> addToSet(String key, String... members);

    // ---- counters

    /** Counts one more at {@code key}, which lives {@code ttl} from now; the new count. */
    public abstract Mono<Long> increment(String key, Duration ttl);

    /**
     * Takes a turn of a paced counter (GCRA, the token bucket as one timestamp): {@code burst} turns at once, one
     * more every {@code interval}, counted on the state's clock. A turn coming within {@code maxWait} is taken,
     * and the answer is how long until it comes (zero: now); otherwise nothing is taken, and the answer is minus
     * how long until a turn is free.
     */
    public abstract Mono<Duration> takeTurn(String key, Duration interval, int burst, Duration maxWait);

    // ---- broadcast

    /** Sends {@code message} to every listener of {@code channel}, this replica's included; how many got it. */
    public abstract Mono<Long> publish(String channel, String message);

    /**
     * Whether {@link #publish} counts every listener that got the message. Not in a Redis Cluster: there PUBLISH
     * counts only the clients of the node it was sent to.
     */
    public boolean countsEveryReceiver() {
        return true;
    }

    /** Messages on a channel, for as long as the service runs. */
    public abstract Flux<String> listen(String channel);

    // ---- reachability

    /** Whether the state does not answer now. */
    public abstract boolean isAway();

    /** Completes with true once the state answers, at once when it is not away, or after {@code within} with false. */
    public abstract Mono<Boolean> reachableWithin(Duration within);

    /**
     * Runs when the state answers again after it was lost, for stores that may have missed changes meanwhile;
     * one action after the other.
     */
    public abstract void onRecovery(Supplier<Mono<Void>> action);

    // ---- lock in turn

    /** Takes the lock for {@code owner}, if free, for at most {@code holdAtMost}; empty when the state did not answer. */
    abstract Mono<Boolean> lock(String key, String owner, Duration holdAtMost);

    /** Releases the lock if {@code owner} still holds it: one whose hold ran out may be another's by now. */
    abstract void unlock(String key, String owner);

    /** Whether someone holds the lock; false when the state did not answer. */
    abstract Mono<Boolean> locked(String key);

    /**
     * {@code work} for the fleet, one replica at a time: under the lock at {@code lock} (held at most {@code
     * holdAtMost}, should its holder die). While another replica holds it, this one waits: {@code meanwhile} is
     * looked at every poll and its answer (the holder's result, once kept) ends the wait; a freed lock is taken in
     * turn. A lock still held after a few turns, or past {@code waitUntil}, no longer holds this replica back:
     * {@code alone} runs without it. With the state away, {@code work} runs alone at once; or, with a positive
     * {@code awayWait}, once the state is back (a failover), or after that long.
     */
    public record Turn<T>(
            String lock,
            Duration holdAtMost,
            Instant waitUntil,
            Duration awayWait,
            Mono<T> meanwhile,
            Mono<T> work,
            Mono<T> alone) {}

    /** The {@link Turn}'s work, done for the fleet one replica at a time. */
    public final <T> Mono<T> inTurn(Turn<T> turn) {
        return turn(turn, 1);
    }

    private <T> Mono<T> turn(Turn<T> turn, int round) {
        String owner = UUID.randomUUID().toString();
        return lock(turn.lock(), owner, turn.holdAtMost())
                .map(taken -> taken ? Taken.MINE : Taken.HELD)
                .defaultIfEmpty(Taken.UNKNOWN)
                .flatMap(taken -> switch (taken) {
                    case MINE -> turn.work().doFinally(signal -> unlock(turn.lock(), owner));
                    case HELD ->
                        whileHeld(turn.lock(), turn.waitUntil(), turn.meanwhile())
                                .switchIfEmpty(Mono.defer(() -> round < TURNS ? turn(turn, round + 1) : turn.alone()));
                    // No answer: a failover may be under way.
                    case UNKNOWN ->
                        round < TURNS && !turn.awayWait().isZero()
                                ? reachableWithin(turn.awayWait())
                                        .flatMap(back -> back ? turn(turn, round + 1) : turn.work())
                                : turn.work();
                });
    }

    private enum Taken {
        MINE,
        HELD,
        UNKNOWN
    }

    // The holder's result as soon as there is one; empty once the lock is free without one, or at waitUntil.
    private <T> Mono<T> whileHeld(String lock, Instant waitUntil, Mono<T> meanwhile) {
        long polls = Math.max(0, Duration.between(clock.instant(), waitUntil).toMillis() / POLL.toMillis());
        return meanwhile
                .switchIfEmpty(Mono.defer(
                        () -> locked(lock).flatMap(held -> held ? Mono.error(StillHeld.INSTANCE) : Mono.<T>empty())))
                .retryWhen(Retry.fixedDelay(polls, POLL).filter(failure -> failure == StillHeld.INSTANCE))
                .onErrorResume(failure -> Mono.empty());
    }

    /** Another replica still holds the lock: look again shortly. */
    private static final class StillHeld extends RuntimeException {
        static final StillHeld INSTANCE = new StillHeld();

        private StillHeld() {
            super(null, null, false, false);
        }
    }

    // A programming error, not the state's, when they are not: the keys would fall in different slots of a cluster.
    final List<String> oneGroup(List<String> keys) {
        String group = group(keys.get(0));
        for (String key : keys) {
            if (!group.equals(group(key))) {
                throw new IllegalArgumentException("keys of one operation in different groups: " + keys);
            }
        }
        return keys;
    }

    final String group(String key) {
        int open = key.indexOf('{', prefix.length());
        int close = key.indexOf('}', open + 1);
        return open < 0 || close < 0 ? key : key.substring(open + 1, close);
    }
}
