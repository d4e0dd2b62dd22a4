package com.contoso.partnercenter.bff;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves on, for what the service decides by its clock (token ages, expiries, TTLs): a fixed instant
 * for a unit, or, for a whole service, the wall clock ({@link #ticking()}) that a test jumps ahead instead of sleeping
 * through a TTL, so that what the service meets outside (token expiries of the issuer, Redis) still agrees with it.
 */
public final class TestClock extends Clock {

    private final boolean ticking;
    private volatile Instant fixed;
    private volatile Duration ahead = Duration.ZERO;

    public TestClock(Instant now) {
        this.ticking = false;
        this.fixed = now;
    }

    private TestClock() {
        this.ticking = true;
    }

    /** The wall clock, until a test moves it on. */
    public static TestClock ticking() {
        return new TestClock();
    }

    public void set(Instant now) {
        if (ticking) {
            throw new IllegalStateException("A ticking clock is only moved on");
        }
        this.fixed = now;
    }

    public void advance(Duration duration) {
        if (ticking) {
            ahead = ahead.plus(duration);
        } else {
            fixed = fixed.plus(duration);
        }
    }

    @Override
    public Instant instant() {
        return ticking ? Instant.now().plus(ahead) : fixed;
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
