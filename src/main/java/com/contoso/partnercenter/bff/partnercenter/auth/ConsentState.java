package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Whether a person must renew the service's consent now ({@link ConsentNeeded}), for every replica: the first one
 * to see it keeps it in the fleet's state and tells the others, and a replica started meanwhile reads it there.
 * It lasts until Partner Center accepts an App+User token again, or, when Entra ID refused the refresh token,
 * until Entra ID gives one again. One WARN line when it starts and one when it ends, on the replica that saw it.
 */
@Component
public final class ConsentState {

    private static final Logger log = LoggerFactory.getLogger(ConsentState.class);
    // Longer than any refresh token lives: it goes when the consent is renewed, not by itself.
    private static final Duration KEPT = Duration.ofDays(100);
    // What the key holds for a moment after the renewal, so that only one replica says it is over.
    private static final String RENEWED = "renewed";
    private static final Duration RENEWED_KEPT = Duration.ofMinutes(1);

    /**
     * What must be renewed and why: the reason, the upstream code that said it (Partner Center's 900421, Entra ID's
     * AADSTS…), since when, and the App+User operation Partner Center refused ({@code null} when Entra ID refused
     * the refresh token): then only Partner Center accepting that operation again ends it, since Microsoft turns
     * its MFA enforcement on operation by operation.
     */
    public record Required(ConsentNeeded reason, String code, Instant since, String refusedOperation) {

        public boolean byPartnerCenter() {
            return refusedOperation != null;
        }

        /** The same failure, whenever and wherever it was seen: its reason, from the same side. */
        boolean sameAs(Required other) {
            return other != null && other.reason == reason && other.byPartnerCenter() == byPartnerCenter();
        }

        String written() {
            return String.join(
                    " ",
                    reason.reason(),
                    code == null ? "-" : code,
                    since.toString(),
                    refusedOperation == null ? "-" : refusedOperation);
        }

        /** What another replica wrote; null for anything unreadable (a newer version's words, say). */
        static Required read(String written) {
            String[] parts = written.split(" ");
            ConsentNeeded reason = parts.length == 4 ? ConsentNeeded.named(parts[0]) : null;
            if (reason == null) {
                return null;
            }
            try {
                return new Required(
                        reason,
                        "-".equals(parts[1]) ? null : parts[1],
                        Instant.parse(parts[2]),
                        "-".equals(parts[3]) ? null : parts[3]);
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private final FleetState state;
    private final Clock clock;
    private final String key;
    private final String channel;
    private final MultiGauge gauge;
    private final AtomicReference<Required> current = new AtomicReference<>();
    // A change the fleet's state did not take (it was away): written when it is back, not overwritten by it.
    private volatile boolean unwritten;

    ConsentState(FleetState state, MeterRegistry meters, Clock clock) {
        this.state = state;
        this.clock = clock;
        this.key = state.key("consent", "required");
        this.channel = state.channel("consent");
        this.gauge = MultiGauge.builder("partner.center.consent.required")
                .description("1 while a person must renew the service's consent, with the reason; else 0")
                .register(meters);
        shown();
        state.listen(channel).subscribe(this::told, failure -> {});
        state.onRecovery(this::recovered);
        // A replica started while it lasts shows it; one that met it itself meanwhile keeps its own.
        state.find(key)
                .onErrorResume(e -> Mono.empty())
                .subscribe(found -> found.map(Required::read).ifPresent(known -> {
                    if (current.compareAndSet(null, known)) {
                        shown();
                    }
                }));
    }

    /** What must be renewed now, or null. */
    public Required current() {
        return current.get();
    }

    /**
     * A call failed in a way only a new consent mends; {@code refusedOperation} is the App+User operation Partner
     * Center refused, null when Entra ID refused the refresh token. The first replica to see it says so and tells
     * the others.
     */
    public void required(ConsentNeeded reason, String code, String refusedOperation) {
        Required now = new Required(reason, code, clock.instant(), refusedOperation);
        Required known;
        do {
            known = current.get();
            if (now.sameAs(known)) {
                return;
            }
        } while (!current.compareAndSet(known, now));
        shown();
        sayIfFirst(
                state.putIfAbsent(key, now.written(), KEPT)
                        .flatMap(first -> first ? Mono.just(true) : overAnother(now)),
                now.written(),
                () -> log.warn(
                        "A person must renew the service's consent ({}{}): App+User calls (validation status,"
                                + " purchase eligibility, qualification updates) answer 502 until then. {}",
                        reason.reason(),
                        code != null ? ", " + code : "",
                        reason.action()));
    }

    /**
     * The replica whose write changed the fleet's key (or, while the state is away, this replica alone, which then
     * writes it on recovery) says the line and tells the others.
     */
    private void sayIfFirst(Mono<Boolean> written, String message, Runnable line) {
        written.switchIfEmpty(Mono.fromRunnable(() -> unwritten = true).thenReturn(true))
                .onErrorResume(e -> {
                    unwritten = true;
                    return Mono.just(true);
                })
                .filter(Boolean::booleanValue)
                // The line names the request that saw it (its failure's line has the same id), whichever thread the
                // write answers on: contextCapture takes it from this thread, handle restores it around the line.
                .handle((first, sink) -> {
                    line.run();
                    sink.next(first);
                })
                .flatMap(first -> state.publish(channel, message).onErrorResume(e -> Mono.empty()))
                .contextCapture()
                .subscribe();
    }

    // Another replica wrote first: the same reason is its to say (this replica adopts its words, so that either may
    // end it); another reason (or the renewal's mark) is said over it, by whichever replica turns it over first.
    private Mono<Boolean> overAnother(Required now) {
        return state.find(key).flatMap(found -> {
            if (adopted(found, now)) {
                return Mono.just(false);
            }
            Mono<Boolean> over = found.isPresent()
                    ? state.replace(key, found.get(), now.written(), KEPT)
                    : state.putIfAbsent(key, now.written(), KEPT);
            return over.flatMap(first -> first
                    ? Mono.just(true)
                    : state.find(key).map(again -> {
                        adopted(again, now);
                        return false;
                    }));
        });
    }

    private boolean adopted(Optional<String> found, Required now) {
        Required there = found.map(Required::read).orElse(null);
        if (!now.sameAs(there)) {
            return false;
        }
        if (current.compareAndSet(now, there)) {
            shown();
        }
        return true;
    }

    /** Partner Center accepted an App+User token for {@code operation}: what kept it from doing so is over. */
    public void acceptedByPartnerCenter(String operation) {
        Required known = current.get();
        if (known != null
                && (!known.byPartnerCenter() || known.refusedOperation().equals(operation))) {
            renewed(known);
        }
    }

    /** Entra ID gave an App+User token: a refusal of its own is over; Partner Center's MFA check is not yet. */
    public void tokenGiven() {
        Required known = current.get();
        if (known != null && !known.byPartnerCenter()) {
            renewed(known);
        }
    }

    /**
     * A partner admin renewed the consent in the service, and Partner Center accepted the new token: whatever must
     * be renewed is over, for the fleet, said in one INFO line by this replica. {@code fleetWide} false: the renewal
     * lives in this replica's memory only, until it restarts.
     */
    public void renewedInService(boolean fleetWide) {
        Required known = current.getAndSet(null);
        shown();
        state.put(key, RENEWED, RENEWED_KEPT)
                .then(state.publish(channel, RENEWED))
                .onErrorResume(e -> Mono.empty())
                .contextCapture()
                .subscribe();
        log.info(
                "The service's consent was renewed on its consent page{}: App+User calls go through with the new"
                        + " consent{}.",
                known != null ? " (it was " + known.reason().reason() + " since " + known.since() + ")" : "",
                fleetWide
                        ? ", on every replica"
                        : ", on this replica only: without Redis a restart returns to the configured refresh token");
    }

    // One replica says it is over: the one that turns the fleet's key from what it knew to the renewal.
    private void renewed(Required known) {
        if (!current.compareAndSet(known, null)) {
            return;
        }
        shown();
        sayIfFirst(
                state.replace(key, known.written(), RENEWED, RENEWED_KEPT),
                RENEWED,
                () -> log.warn(
                        "The service's consent works again ({} since {}): App+User calls go through.",
                        known.reason().reason(),
                        known.since()));
    }

    // Another replica (or this one) said so: its view is this replica's, without a second WARN line. Words this
    // version cannot read change nothing.
    private void told(String message) {
        if (RENEWED.equals(message)) {
            current.set(null);
        } else {
            Required told = Required.read(message);
            if (told == null) {
                return;
            }
            current.set(told);
        }
        shown();
    }

    // Back after the state was away: this replica's change goes to the fleet if the state missed it, else the fleet's
    // view (which may have changed meanwhile) is this replica's.
    private Mono<Void> recovered() {
        if (unwritten) {
            unwritten = false;
            Required now = current.get();
            Mono<Boolean> write = now == null ? state.delete(List.of(key)) : state.put(key, now.written(), KEPT);
            return write.then(state.publish(channel, now == null ? RENEWED : now.written()))
                    .onErrorResume(e -> Mono.empty())
                    .then();
        }
        return state.find(key)
                .doOnNext(found -> {
                    current.set(found.map(Required::read).orElse(null));
                    shown();
                })
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    // partner_center_consent_required: one series, 1 with the reason while it lasts, else 0 with reason "none", so
    // an alert carries the reason in its labels.
    private synchronized void shown() {
        Required now = current.get();
        gauge.register(
                List.of(MultiGauge.Row.of(
                        Tags.of("reason", now != null ? now.reason().reason() : "none"), now != null ? 1 : 0)),
                true);
    }
}
