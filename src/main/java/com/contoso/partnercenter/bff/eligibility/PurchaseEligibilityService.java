package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterClient;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Asks Partner Center for the account status and applies the documented purchase rule. */
@Service
class PurchaseEligibilityService {

    private final PartnerCenterClient partnerCenter;
    private final MeterRegistry meters;

    PurchaseEligibilityService(PartnerCenterClient partnerCenter, MeterRegistry meters) {
        this.partnerCenter = partnerCenter;
        this.meters = meters;
    }

    /**
     * The eligibility, or the upstream failure itself: when Partner Center cannot be asked (timeout, open
     * circuit, 5xx, throttled) the portal gets an error, never a guess.
     */
    Mono<PurchaseEligibility> eligibility(String customerId) {
        return partnerCenter
                .validationStatus(customerId, "account")
                .map(status -> PurchaseEligibility.fromAccountStatus(customerId, status.status()))
                .onErrorResume(
                        e -> e instanceof PartnerCenterException pc && pc.isAccountStatusNotFound(),
                        e -> Mono.just(PurchaseEligibility.noAccountStatus(customerId)))
                .doOnNext(decision -> meters.counter(
                                "partner.center.eligibility.decisions",
                                "outcome",
                                decision.outcome().name().toLowerCase())
                        .increment());
    }
}
