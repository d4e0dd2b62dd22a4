package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Where closed throttle gates are kept: in the fleet's state, so that a 429 seen by one replica closes the gate
 * on all of them. Gates this replica knows closed are answered from its memory; the others are looked up in the
 * state once per attempt. With the state away, each replica keeps its own gates.
 */
@Component
public final class GateStore {

    private final FleetState state;
    private final InMemoryFleetState known;

    GateStore(FleetState state) {
        this.state = state;
        this.known = state.standIn();
    }

    /** When the gate opens again; empty when it is open. */
    public Mono<Instant> closedUntil(String gate) {
        String key = key(gate);
        return known.get(key)
                .switchIfEmpty(Mono.defer(() -> {
                    if (!state.reachesOtherReplicas()) {
                        return Mono.empty(); // this replica's memory is all there is
                    }
                    return state.get(key).flatMap(until -> {
                        Instant at = epochMillis(until);
                        return at == null
                                ? Mono.empty()
                                : known.keepLater(key, at).then(known.get(key));
                    });
                }))
                // Known here only while closed: an entry of the memory goes when its instant has passed.
                .flatMap(value -> Mono.justOrEmpty(GateStore.epochMillis(value)));
    }

    private static Instant epochMillis(String value) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException unreadable) {
            return null; // not this service's (another version's?): the gate is open here
        }
    }

    /**
     * Closes the gate until {@code until}; a gate already closed for longer stays so. Completes once the fleet's
     * state has it (or did not answer): the portal's 503 goes out after the other replicas can see the gate, so a
     * request on another replica a moment later is not sent to Partner Center.
     */
    public Mono<Void> close(String gate, Instant until) {
        String key = key(gate);
        Mono<Boolean> here = known.keepLater(key, until);
        return state.reachesOtherReplicas()
                ? here.then(state.keepLater(key, until).onErrorResume(e -> Mono.empty()))
                        .then()
                : here.then();
    }

    /** How many gates whose names start with {@code prefix} this replica knows to be closed now. */
    public long closedNow(String prefix) {
        return known.count(state.groupsStartingWith("gate:" + prefix));
    }

    private String key(String gate) {
        return state.key("gate:" + gate);
    }
}
