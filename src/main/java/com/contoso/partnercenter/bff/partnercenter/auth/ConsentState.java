package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Whether a person must renew the service's consent now ({@link ConsentNeeded}), for every replica: the first one
 * to see it keeps it in the fleet's state and tells the others, and a replica started meanwhile reads it there.
 * It lasts until Partner Center accepts an App+User token again, or, when Entra ID refused the refresh token,
 * until Entra ID gives one again. One WARN line when it starts and one when it ends, on the replica that saw it.
 */
public final class ConsentState {

    private static final Logger log = LoggerFactory.getLogger(ConsentState.class);
    // Longer than any refresh token lives: it goes when the consent is renewed, not by itself.
    private static final Duration KEPT = Duration.ofDays(100);
    private static final String RENEWED = "renewed";

    /**
     * What must be renewed and why: the reason, the upstream code that said it (Partner Center's 900421, Entra ID's
     * AADSTS…), since when, and whether Partner Center said it (then only its acceptance ends it).
     */
    public record Required(ConsentNeeded reason, String code, Instant since, boolean byPartnerCenter) {

        String written() {
            return String.join(" ", reason.reason(), code == null ? "-" : code, since.toString(), "" + byPartnerCenter);
        }

        static Required read(String written) {
            String[] parts = written.split(" ");
            ConsentNeeded reason = parts.length == 4 ? ConsentNeeded.named(parts[0]) : null;
            if (reason == null) {
                return null;
            }
            return new Required(
                    reason,
                    "-".equals(parts[1]) ? null : parts[1],
                    Instant.parse(parts[2]),
                    Boolean.parseBoolean(parts[3]));
        }
    }

    private final FleetState state;
    private final Clock clock;
    private final String key;
    private final String channel;
    private final MultiGauge gauge;
    private volatile Required current;

    public ConsentState(FleetState state, MeterRegistry meters, Clock clock) {
        this.state = state;
        this.clock = clock;
        this.gauge = MultiGauge.builder("partner.center.consent.required")
                .description("1 while a person must renew the service's consent, with the reason; else 0")
                .register(meters);
        shown();
        this.key = state.key("consent", "required");
        this.channel = state.channel("consent");
        state.listen(channel).subscribe(this::told);
        state.onRecovery(this::load);
        load().subscribe();
    }

    /** What must be renewed now, or null. */
    public Required current() {
        return current;
    }

    /** A call failed in a way only a new consent mends: the fleet is told, unless it knows already. */
    public void required(ConsentNeeded reason, String code, boolean byPartnerCenter) {
        Required known = current;
        if (known != null && known.reason() == reason && known.byPartnerCenter() == byPartnerCenter) {
            return;
        }
        Required now = new Required(reason, code, clock.instant(), byPartnerCenter);
        current = now;
        shown();
        log.warn(
                "A person must renew the service's consent ({}{}): App+User calls (validation status, purchase"
                        + " eligibility, qualification updates) answer 502 until then. {}",
                reason.reason(),
                code != null ? ", " + code : "",
                reason.action());
        share(state.put(key, now.written(), KEPT), now.written());
    }

    /** Partner Center accepted an App+User token: whatever consent was missing is there again. */
    public void acceptedByPartnerCenter() {
        if (current != null) {
            renewed();
        }
    }

    /** Entra ID gave an App+User token: a refusal of its own is over; Partner Center's MFA check is not yet. */
    public void tokenGiven() {
        Required known = current;
        if (known != null && !known.byPartnerCenter()) {
            renewed();
        }
    }

    private void renewed() {
        Required known = current;
        current = null;
        shown();
        if (known != null) {
            log.warn(
                    "The service's consent works again ({} since {}): App+User calls go through.",
                    known.reason().reason(),
                    known.since());
        }
        share(state.delete(List.of(key)), RENEWED);
    }

    // In the fleet's state, then to every replica; a state that does not answer leaves each replica its own view.
    private void share(Mono<Boolean> written, String message) {
        written.then(state.publish(channel, message))
                .onErrorResume(e -> Mono.empty())
                .subscribe();
    }

    // Another replica (or this one) said so: its view is this replica's, without a second WARN line.
    private void told(String message) {
        current = RENEWED.equals(message) ? null : Required.read(message);
        shown();
    }

    // partner_center_consent_required: one series, 1 with the reason while it lasts, else 0 with reason "none", so
    // an alert carries the reason in its labels.
    private synchronized void shown() {
        Required now = current;
        gauge.register(
                List.of(MultiGauge.Row.of(
                        Tags.of("reason", now != null ? now.reason().reason() : "none"), now != null ? 1 : 0)),
                true);
    }

    private Mono<Void> load() {
        return state.find(key)
                .doOnNext(found -> {
                    current = found.map(Required::read).orElse(null);
                    shown();
                })
                .onErrorResume(e -> Mono.<Optional<String>>empty())
                .then();
    }
}
