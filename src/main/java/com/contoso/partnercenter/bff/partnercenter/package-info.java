/**
 * The Partner Center module: everything between a portal's question and Microsoft Partner Center. Its front door is
 * this package; the rest is its own.
 *
 * <pre>
 *  web, validation, qualification, eligibility, events  plain blocking code, on virtual threads
 *                 │
 *                 ▼
 *  ┌─ partnercenter (the front door) ─────────────────────────────────────────────────────────────┐
 *  │ PartnerCenter       the five operations; blocks once, here, and nowhere else on the way     │
 *  │ ConsentRenewal      the consent page's door: renew the App+User consent, with MFA, proven   │
 *  │ CustomerWatch       the event stream's door: watched customers, read once per interval for  │
 *  │                     the fleet (a lease each, WatchRoster), changes told to every replica    │
 *  │ Watching, CustomerState, WatchLimitReached       a stream's watch, what it sends, its limit  │
 *  │ Answer, ValidationCode, CustomerQualification, ValidationStatus, QualificationUpdate,       │
 *  │ CreatedQualification, IdempotencyKey            what goes in and comes out                   │
 *  │ PartnerCenterException, IdempotencyConflict     how it fails: already what a portal is told  │
 *  │ PartnerCenterProperties, Portals                the service's settings (partner-center.*)    │
 *  ├──────────────────────────────────────────────────────────────────────────────────────────────┤
 *  │ PartnerCenterClient (Reactor and the WebClient)      IdempotentUpdates (Idempotency-Key)    │
 *  │      │                                                     │                                │
 *  │      ├─ cache       fresh answers, one call per question, last-known answers (stale-if-error) │
 *  │      ├─ resilience  deadline ( retry ( gate ( quota ( bulkhead ( breaker ( time limit )))))) │
 *  │      ├─ throttle    throttle gates, the partner's quota and the portals' shares of it        │
 *  │      ├─ auth        Entra ID tokens, the refresh-token chain, the consent, its expiry        │
 *  │      ├─ failure     the failure table (FailureKind): status, retry, breaker, gate            │
 *  │      └─ upstream    operations, Partner Center's error bodies, the deadline, calls in flight │
 *  │ fleet  FleetState: the state of every store above, in this replica's memory or in Redis     │
 *  └──────────────────────────────────────────────────────────────────────────────────────────────┘
 *                 │
 *                 ▼
 *  Partner Center, Microsoft Entra ID, Redis (fleet mode)
 * </pre>
 *
 * <p>A request's context (its correlation id and portal) crosses into the Reactor code behind the door once: the
 * door captures it into the Reactor context, and {@code upstream.RequestContext} reads and restores it there, for
 * the few lines logged on Reactor's threads. Every collaborator
 * is a bean and takes the one {@link java.time.Clock}. Other modules use the types of this package only; Spring
 * Modulith's {@code ApplicationModules.verify()} (ModuleBoundariesTest) fails the build when one reaches further in.
 */
package com.contoso.partnercenter.bff.partnercenter;
