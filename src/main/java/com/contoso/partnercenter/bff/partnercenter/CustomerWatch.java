package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.correlation.CallingPortal;
import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * The module's door for streams of changes (GET /api/v1/customer-events): portals watch customers, and the fleet
 * reads each watched customer once per {@code partner-center.watch.interval}, however many streams, portals and
 * replicas watch it, and tells every stream of a change.
 *
 * <p>How, for the fleet: the customer's reader holds a lease in the fleet state ({@code {watch:<id>}:reader}),
 * renewed at each reading, so one replica reads it; a replica whose streams watch it and that does not hold the
 * lease tries for it every half interval, so it takes over within two intervals when the reader dies or stops
 * watching. Every reading's state goes on the fleet's watch channel; each replica hands it to its streams, and each
 * stream sends it only if it differs from what that stream sent last. A reading asks Partner Center itself (a cached
 * answer would hide a change for as long as the cache keeps it) through the same quota, gates and breakers as any
 * call, as the portal {@value #PORTAL}; when it sees a change it drops the cache's copies for the fleet, so a
 * portal's next GET agrees with the event. A portal's own read of a watched customer is news for the streams too,
 * and its update answered 201 makes this replica read the customer at once. The fleet's roster ({@link
 * WatchRoster}) bounds the watch and says which customers are watched.
 *
 * <p>Without Redis every replica is a fleet of one: the same code on its memory. With Redis away a replica reads
 * its customers itself (at most one reading per interval per replica) rather than not at all.
 */
@Component
public class CustomerWatch implements SmartLifecycle {

    /** The portal a reading counts as, in the fair share and in metrics. */
    public static final String PORTAL = "watch";

    private static final Logger log = LoggerFactory.getLogger(CustomerWatch.class);
    private static final Duration KEEP_ALIVE_AT_MOST = Duration.ofSeconds(15);
    private static final Duration TICK_AT_MOST = Duration.ofSeconds(1);
    // Calls at once for one stream's first states, and for the readings due at one tick.
    private static final int CONCURRENCY = 8;

    private final PartnerCenterClient client;
    private final FleetState state;
    private final WatchRoster roster;
    private final Portals portals;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration interval;
    private final Duration tick;
    private final Duration lease;
    private final int maxCustomers;
    private final String replica = UUID.randomUUID().toString();
    private final String channel;
    private final Map<String, Counter> readingCounters = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    // This replica's customers (ids in lower case): what it knows of each and which streams watch it.
    private final ConcurrentMap<String, Watched> watched = new ConcurrentHashMap<>();
    private final Set<Watching> streams = ConcurrentHashMap.newKeySet();
    private volatile Instant rosterRenewed = Instant.EPOCH;
    private volatile Disposable ticking;
    private volatile Disposable listening;
    private volatile boolean stopping;

    CustomerWatch(
            PartnerCenterClient client,
            FleetState state,
            Portals portals,
            JsonMapper json,
            PartnerCenterProperties properties,
            MeterRegistry meters,
            Clock clock) {
        this.client = client;
        this.state = state;
        this.roster = new WatchRoster(state, json, clock);
        this.portals = portals;
        this.json = json;
        this.clock = clock;
        this.interval = properties.watch().interval();
        this.maxCustomers = properties.watch().maxCustomers();
        Duration quarter = interval.dividedBy(4);
        this.tick = quarter.compareTo(TICK_AT_MOST) < 0 ? quarter : TICK_AT_MOST;
        // A reader renews at each reading, an interval apart, give or take a tick.
        this.lease = interval.plus(tick.multipliedBy(2));
        this.channel = state.channel("watch");
        this.meters = meters;
        Gauge.builder("partner.center.watched.customers", roster, WatchRoster::size)
                .description("Customers the fleet watches for portals' streams, as this replica last saw")
                .register(meters);
        Gauge.builder("partner.center.watch.streams", streams, Set::size)
                .description("Streams of customer events open on this replica")
                .register(meters);
        for (String outcome : List.of("changed", "unchanged", "failed")) {
            readings(outcome);
        }
    }

    /**
     * How often a stream sends a comment when nothing changes: every 15 s, and twice per interval if that is
     * sooner, so that proxies keep it open and a closed connection shows within an interval (a write after the
     * portal left may still succeed; the one after it fails).
     */
    public Duration keepAlive() {
        Duration half = interval.dividedBy(2);
        return half.compareTo(KEEP_ALIVE_AT_MOST) < 0 ? half : KEEP_ALIVE_AT_MOST;
    }

    /**
     * Watches the customers (tenant ids, any case) for one stream: their current states (from the cache where
     * fresh, each as soon as it is known) and then every change. Call from the request's thread: the first states
     * are the portal's own reads.
     *
     * @throws WatchLimitReached when the fleet would watch more than {@code partner-center.watch.max-customers}.
     */
    public Watching watch(Collection<String> customerIds) {
        Map<String, String> asked = new LinkedHashMap<>();
        customerIds.forEach(id -> asked.putIfAbsent(id.toLowerCase(Locale.ROOT), id));
        if (!Boolean.TRUE.equals(PartnerCenter.waitFor(roster.join(asked.keySet(), maxCustomers)))) {
            int more = (int)
                    asked.keySet().stream().filter(id -> !roster.contains(id)).count();
            throw new WatchLimitReached(maxCustomers, roster.size(), more, WatchRoster.ENTRY_LIFETIME);
        }
        shareTheQuota();
        inBackground(state.publish(channel, json.writeValueAsString(Heard.roster())));
        Watching stream = new Watching(asked, this::closed);
        streams.add(stream);
        for (String id : asked.keySet()) {
            // In one step with the tick's removal of a customer nobody watches any more (computeIfPresent).
            watched.compute(id, (any, customer) -> {
                // New here: the stream's first state is this interval's reading (no second call while it comes).
                Watched watching = customer != null ? customer : new Watched(asked.get(id), clock.instant());
                watching.streams.add(stream);
                return watching;
            });
        }
        if (stopping) {
            stream.end();
            return stream;
        }
        // Not stopped when the stream closes sooner: a call cut off would only be an error nobody hears of.
        inBackground(Flux.fromIterable(asked.keySet())
                .flatMap(
                        id -> current(id, asked.get(id))
                                .doOnNext(current -> {
                                    Watched customer = watched.get(id);
                                    if (customer == null) {
                                        stream.offer(current);
                                        return;
                                    }
                                    // A state heard meanwhile is newer than the cache's: it stands.
                                    synchronized (customer) {
                                        if (customer.known == null) {
                                            customer.known = current;
                                        }
                                        stream.offer(current);
                                    }
                                })
                                .onErrorResume(failure -> Mono.empty()), // the next reading will tell
                        CONCURRENCY)
                .contextCapture());
        return stream;
    }

    private void closed(Watching stream) {
        streams.remove(stream);
        for (String id : stream.customers()) {
            Watched customer = watched.get(id);
            if (customer != null) {
                customer.streams.remove(stream);
            }
        }
    }

    /** A portal read the customer's validation status: news for the streams that watch it. */
    void read(String customerId, Answer<ValidationStatus> status) {
        String id = watchedId(customerId, status);
        if (id != null) {
            tell(new Heard(Heard.STATUS, id, status.value(), null));
        }
    }

    /** A portal read the customer's qualifications: news for the streams that watch it. */
    void readQualifications(String customerId, Answer<List<CustomerQualification>> qualifications) {
        String id = watchedId(customerId, qualifications);
        if (id != null) {
            tell(new Heard(Heard.QUALIFICATIONS, id, null, qualifications.value()));
        }
    }

    /** A portal's update of the customer was answered 201: this replica reads it now, for every stream. */
    void updated(String customerId) {
        String id = customerId.toLowerCase(Locale.ROOT);
        if (roster.contains(id)) {
            inBackground(reading(id, watched.get(id), customerId).contextWrite(this::asTheWatch));
        }
    }

    // Only an answer Partner Center gave within the cache's time: a last-known one may be older than the streams'.
    private String watchedId(String customerId, Answer<?> answer) {
        if (roster.size() == 0 || answer.age() != null) {
            return null;
        }
        String id = customerId.toLowerCase(Locale.ROOT);
        return roster.contains(id) ? id : null;
    }

    // ---- the readings

    private void tick() {
        Instant now = clock.instant();
        List<Mono<Void>> due = new ArrayList<>();
        watched.forEach((id, customer) -> {
            if (watched.computeIfPresent(id, (any, known) -> known.streams.isEmpty() ? null : known) == null) {
                if (customer.reader) {
                    inBackground(release(id)); // another replica whose streams watch it takes over at its next try
                }
            } else if (customer.busy.compareAndSet(false, true)) {
                due.add(turn(id, customer, now)
                        .contextWrite(this::asTheWatch)
                        .doFinally(signal -> customer.busy.set(false)));
            }
        });
        if (!now.isBefore(rosterRenewed.plus(WatchRoster.RENEWAL))) {
            rosterRenewed = now;
            due.add(roster.renew(List.copyOf(watched.keySet()))
                    .then(Mono.<Void>fromRunnable(this::shareTheQuota))
                    .contextWrite(this::asTheWatch));
        }
        if (!due.isEmpty()) {
            inBackground(Flux.fromIterable(due)
                    .flatMap(
                            work -> work.onErrorResume(failure -> {
                                log.warn("A watch's reading failed unexpectedly", failure);
                                return Mono.empty();
                            }),
                            CONCURRENCY));
        }
    }

    // The reader reads when its interval is over; the others try for the lease every half interval.
    private Mono<Void> turn(String id, Watched customer, Instant now) {
        if (customer.reader) {
            if (now.isBefore(customer.nextReading)) {
                return Mono.empty();
            }
            return state.replace(leaseKey(id), replica, replica, lease)
                    .defaultIfEmpty(true) // the fleet state away: read alone rather than not at all
                    .flatMap(still -> {
                        if (!still) {
                            customer.reader = false;
                            customer.nextTry = now.plus(interval.dividedBy(2));
                            return Mono.empty();
                        }
                        Instant next = customer.nextReading.plus(interval);
                        customer.nextReading = next.isAfter(now) ? next : now.plus(interval);
                        return reading(id, customer, customer.asked);
                    });
        }
        if (now.isBefore(customer.nextTry)) {
            return Mono.empty();
        }
        return state.putIfAbsent(leaseKey(id), replica, lease)
                .defaultIfEmpty(true)
                .flatMap(taken -> {
                    if (!taken) {
                        customer.nextTry = now.plus(interval.dividedBy(2));
                        return Mono.empty();
                    }
                    customer.reader = true;
                    // A state this replica had within the interval (a stream's first, the last reader's last) is this
                    // interval's reading.
                    Instant known = customer.knownAt;
                    if (known != null && now.isBefore(known.plus(interval))) {
                        customer.nextReading = known.plus(interval);
                        return Mono.empty();
                    }
                    customer.nextReading = now.plus(interval);
                    return reading(id, customer, customer.asked);
                });
    }

    // One reading: both answers from Partner Center, the outcome counted, the state told to the fleet.
    private Mono<Void> reading(String id, Watched customer, String asked) {
        return fromPartnerCenter(id, asked)
                .flatMap(read -> {
                    CustomerState before = customer == null ? null : customer.known;
                    boolean changed = !read.equals(before);
                    readings(changed ? "changed" : "unchanged").increment();
                    Mono<Void> stale = before != null && changed ? client.changedElsewhere(id) : Mono.empty();
                    return stale.then(Mono.fromRunnable(() -> tell(Heard.state(read))));
                })
                .onErrorResume(failure -> {
                    // The client has logged the failure; the last state stands and the next interval tries again.
                    readings("failed").increment();
                    return Mono.empty();
                })
                .then();
    }

    private Counter readings(String outcome) {
        return readingCounters.computeIfAbsent(
                outcome,
                name -> Counter.builder("partner.center.watch.readings")
                        .description("Readings of watched customers from Partner Center, by outcome")
                        .tag("outcome", name)
                        .register(meters));
    }

    // Partner Center is asked with the portal's spelling of the id, as the GET endpoints ask it; the watch keys on
    // lower case.
    private Mono<CustomerState> fromPartnerCenter(String id, String asked) {
        return state(
                id, client.validationStatusFromPartnerCenter(asked), client.qualificationsFromPartnerCenter(asked));
    }

    private Mono<CustomerState> current(String id, String asked) {
        return state(id, client.validationStatus(asked, lastKnown -> true), client.qualifications(asked));
    }

    // Both answers, each none where Partner Center has none (404); any other failure fails the state. Both calls run
    // to their end (zipDelayError): cancelled at the first failure, the other's own failure would be dropped by
    // Reactor as an ERROR line beside the line the client writes for it.
    private static Mono<CustomerState> state(
            String id, Mono<ValidationStatus> status, Mono<List<CustomerQualification>> qualifications) {
        return Mono.zipDelayError(orNone(status), orNone(qualifications))
                .map(both -> new CustomerState(
                        id, both.getT1().orElse(null), both.getT2().orElse(null)));
    }

    private static <T> Mono<Optional<T>> orNone(Mono<T> answer) {
        return answer.map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(
                        failure -> failure instanceof PartnerCenterException e
                                && (e.isAccountStatusNotFound() || e.upstreamStatus() == 404),
                        failure -> Mono.just(Optional.empty()));
    }

    private Context asTheWatch(Context context) {
        return context.put(CallingPortal.MDC_KEY, PORTAL).put(CorrelationId.MDC_KEY, CorrelationId.newId());
    }

    // Work no request waits for: its failure is logged, once, rather than dropped by Reactor as an ERROR.
    private static void inBackground(Publisher<?> work) {
        Flux.from(work).subscribe(null, failure -> log.warn("The watch's work in the background failed", failure));
    }

    // The lease, if this replica still holds it (one whose hold ran out may be another's by now).
    private Mono<Boolean> release(String id) {
        return state.replace(leaseKey(id), replica, "", Duration.ofMillis(1));
    }

    private String leaseKey(String id) {
        return state.key("watch:" + id, "reader");
    }

    // While the fleet watches, its readings have a share of the partner's quota of their own.
    private void shareTheQuota() {
        portals.watching(roster.size() > 0);
    }

    // ---- the fleet's channel

    // This replica's streams at once, every other replica's through the channel.
    private void tell(Heard heard) {
        heard(heard); // the echo from the channel changes nothing: each stream sends a state once
        inBackground(state.publish(channel, json.writeValueAsString(heard)));
    }

    private void heard(String message) {
        Heard heard;
        try {
            heard = json.readValue(message, Heard.class);
        } catch (RuntimeException unreadable) {
            log.warn("Ignored a message on the watch channel that this version cannot read");
            return;
        }
        heard(heard);
    }

    private void heard(Heard heard) {
        if (Heard.ROSTER.equals(heard.part())) {
            inBackground(roster.reload().then(Mono.fromRunnable(this::shareTheQuota)));
            return;
        }
        Watched customer = watched.get(heard.customerId());
        if (customer == null) {
            return;
        }
        // Merged, kept and handed on in one step: a part merged into a state another thread has just replaced
        // would bring the older part back.
        synchronized (customer) {
            CustomerState known = customer.known;
            CustomerState now = switch (heard.part()) {
                case Heard.STATE ->
                    new CustomerState(heard.customerId(), heard.validationStatus(), heard.qualifications());
                case Heard.STATUS ->
                    known == null
                            ? null
                            : new CustomerState(known.customerId(), heard.validationStatus(), known.qualifications());
                case Heard.QUALIFICATIONS ->
                    known == null
                            ? null
                            : new CustomerState(known.customerId(), known.validationStatus(), heard.qualifications());
                default -> null;
            };
            if (now == null) {
                return; // a part of a customer this replica knows nothing of yet: its first state will tell
            }
            customer.known = now;
            if (Heard.STATE.equals(heard.part())) {
                customer.knownAt = clock.instant();
            }
            customer.streams.forEach(stream -> stream.offer(now));
        }
    }

    /**
     * A message on the watch channel: a customer's whole state, or a part of it a portal read, or the news that the
     * roster grew.
     */
    record Heard(
            String part,
            String customerId,
            ValidationStatus validationStatus,
            List<CustomerQualification> qualifications) {
        static final String STATE = "state";
        static final String STATUS = "status";
        static final String QUALIFICATIONS = "qualifications";
        static final String ROSTER = "roster";

        static Heard state(CustomerState state) {
            return new Heard(STATE, state.customerId(), state.validationStatus(), state.qualifications());
        }

        static Heard roster() {
            return new Heard(ROSTER, null, null, null);
        }
    }

    /** A customer this replica's streams watch. */
    private static final class Watched {
        final String asked; // the first stream's spelling of the id, for Partner Center
        final Set<Watching> streams = ConcurrentHashMap.newKeySet();
        final AtomicBoolean busy = new AtomicBoolean();
        volatile CustomerState known;
        volatile Instant knownAt;
        volatile boolean reader;
        volatile Instant nextReading = Instant.EPOCH;
        volatile Instant nextTry = Instant.EPOCH;

        Watched(String asked, Instant firstStateAsked) {
            this.asked = asked;
            this.knownAt = firstStateAsked;
        }
    }

    // ---- lifecycle: readings while the service runs; streams end when it stops

    @Override
    public void start() {
        stopping = false; // started again after a stop (a paused test context is)
        listening = state.listen(channel).subscribe(this::heard);
        inBackground(roster.reload().then(Mono.fromRunnable(this::shareTheQuota)));
        ticking = Flux.interval(tick, tick).onBackpressureDrop().subscribe(any -> {
            try {
                tick();
            } catch (RuntimeException failure) { // one failed tick, not the end of every reading
                log.warn("A tick of the watch failed", failure);
            }
        });
    }

    /** Ends every stream: a pod that is told to stop does not wait on open streams. */
    @Override
    public void stop() {
        stopping = true;
        Disposable readings = ticking;
        ticking = null;
        if (readings != null) {
            readings.dispose();
        }
        Disposable channel = listening;
        listening = null;
        if (channel != null) {
            channel.dispose();
        }
        streams.forEach(Watching::end);
        // The leases this replica holds are free at once for the others (rather than when they run out), within a
        // second at most: a stopping pod does not wait on Redis either.
        PartnerCenter.waitFor(Flux.fromIterable(watched.entrySet())
                .filter(customer -> customer.getValue().reader)
                .flatMap(customer -> release(customer.getKey()))
                .then()
                .timeout(Duration.ofSeconds(1), Mono.empty())
                .onErrorResume(failure -> Mono.empty()));
    }

    @Override
    public boolean isRunning() {
        return ticking != null;
    }
}
