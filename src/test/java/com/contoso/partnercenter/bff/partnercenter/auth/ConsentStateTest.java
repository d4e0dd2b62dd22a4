package com.contoso.partnercenter.bff.partnercenter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.fleet.RedisServer;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A consent that needs a person, in a fleet on a real Redis: the first replica to see it tells the others, so
 * every replica's health and gauge show it, one started meanwhile reads it, and one accepted call clears it for all.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsentStateTest {

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    static final String PREFIX = "consent-test:";

    record Replica(ConsentState consent, SimpleMeterRegistry meters) {
        /** The gauge's one series: its reason and value. */
        String gauge() {
            Gauge gauge = meters.get("partner.center.consent.required").gauge();
            return gauge.getId().getTag("reason") + "=" + (int) gauge.value();
        }

        String reason() {
            ConsentState.Required required = consent.current();
            return required == null ? "none" : required.reason().reason();
        }
    }

    static Replica replica() {
        var fleet = new RedisFleetState(
                new ReactiveStringRedisTemplate(redis.connections()),
                new PartnerCenterProperties.Fleet(null, PREFIX, Duration.ofMillis(500), Duration.ofSeconds(3)),
                Clock.systemUTC());
        var meters = new SimpleMeterRegistry();
        return new Replica(new ConsentState(fleet, meters, Clock.systemUTC()), meters);
    }

    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(5)).until(condition::getAsBoolean);
    }

    // What must not change does not, for a while.
    static void stays(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(condition::getAsBoolean);
    }

    @Test
    void everyReplicaShowsWhatOneSawAndOneAcceptedCallClearsItForAll(CapturedOutput output) {
        int listening = redis.subscribers(PREFIX + "consent");
        List<Replica> fleet = List.of(replica(), replica(), replica());
        await("the replicas listen", () -> redis.subscribers(PREFIX + "consent") >= listening + 3);

        fleet.get(0).consent().required(ConsentNeeded.MFA_REQUIRED, "900421", "validation-status");

        await(
                "every replica knows",
                () -> fleet.stream().allMatch(r -> r.reason().equals("mfa-required")));
        assertThat(fleet).allSatisfy(r -> assertThat(r.gauge()).isEqualTo("mfa-required=1"));
        Replica started = replica();
        await("a replica started meanwhile reads it", () -> started.reason().equals("mfa-required"));
        assertThat(started.consent().current().code()).isEqualTo("900421");

        fleet.get(1).consent().tokenGiven();
        fleet.get(1).consent().acceptedByPartnerCenter("qualification-update");
        stays(
                "neither a token from Entra ID nor another operation ends what Partner Center refused",
                () -> Stream.concat(fleet.stream(), Stream.of(started))
                        .allMatch(r -> r.reason().equals("mfa-required")));

        fleet.get(2).consent().acceptedByPartnerCenter("validation-status");

        await(
                "every replica knows it is over",
                () -> Stream.concat(fleet.stream(), Stream.of(started))
                        .allMatch(r -> r.reason().equals("none")));
        assertThat(Stream.concat(fleet.stream(), Stream.of(started)))
                .allSatisfy(r -> assertThat(r.gauge()).isEqualTo("none=0"));
        assertThat(redis.get(PREFIX + "{consent}:required")).isEqualTo("renewed");
        assertThat(lines(output, "must renew the service's consent"))
                .as("one start line for the fleet")
                .isEqualTo(1);
        assertThat(lines(output, "consent works again"))
                .as("one end line for the fleet")
                .isEqualTo(1);

        // Two replicas meet a revoked consent at the same moment: one of them says so.
        fleet.get(0).consent().required(ConsentNeeded.CONSENT_REVOKED, "AADSTS50173", null);
        fleet.get(1).consent().required(ConsentNeeded.CONSENT_REVOKED, "AADSTS50173", null);
        await(
                "every replica knows",
                () -> Stream.concat(fleet.stream(), Stream.of(started))
                        .allMatch(r -> r.reason().equals("consent-revoked")));
        stays("one start line for the fleet", () -> lines(output, "must renew the service's consent") == 2);
    }

    static long lines(CapturedOutput output, String text) {
        return output.getOut().lines().filter(line -> line.contains(text)).count();
    }
}
