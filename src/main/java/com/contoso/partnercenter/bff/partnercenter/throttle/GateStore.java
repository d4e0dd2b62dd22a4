package com.contoso.partnercenter.bff.partnercenter.throttle;

import java.time.Instant;
import reactor.core.publisher.Mono;

/** Where closed throttle gates are kept: this replica's memory, or the fleet's Redis. */
public interface GateStore {

    /** When the gate opens again; empty when it is open. */
    Mono<Instant> closedUntil(String gate);

    /** Closes the gate until {@code until}; a gate already closed for longer stays so. */
    void close(String gate, Instant until);

    /** How many gates whose names start with {@code prefix} this replica knows to be closed now. */
    long closedNow(String prefix);
}
