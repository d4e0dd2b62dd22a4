package com.contoso.partnercenter.bff;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "com.contoso.partnercenter.bff", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] WEB_CODE = {
        "..bff.web..", "..bff.validation..", "..bff.qualification..", "..bff.eligibility.."
    };

    @ArchTest
    static final ArchRule webCodeNeverTouchesTheHttpClient = noClasses()
            .that()
            .resideInAnyPackage(WEB_CODE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.web.reactive.function.client..", "reactor.netty..")
            .because("retries, deadlines, tokens and error mapping live in the Partner Center client, in one place");

    @ArchTest
    static final ArchRule reactorLivesBehindTheFrontDoor = noClasses()
            .that()
            .resideOutsideOfPackage("..bff.partnercenter..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("reactor..")
            .because("a request is plain blocking code on virtual threads up to PartnerCenter, the module's front door,"
                    + " which blocks once; the request's context crosses into Reactor there, once");

    @ArchTest
    static final ArchRule theClientNeverDependsOnWebCode = noClasses()
            .that()
            .resideInAPackage("..bff.partnercenter..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(WEB_CODE)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("jakarta.servlet..", "org.springframework.web.servlet..")
            .because("the client must work for any caller, not only for an HTTP request");

    @ArchTest
    static final ArchRule controllersDoNotCallEachOther = noClasses()
            .that()
            .resideInAnyPackage("..bff.validation..", "..bff.qualification..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..bff.eligibility..")
            .because("features are independent; shared code lives in web or partnercenter");

    @ArchTest
    static final ArchRule theClientsSubsystemsAreFreeOfCycles = slices().matching("..bff.partnercenter.(*)..")
            .should()
            .beFreeOfCycles()
            .because("each subsystem of the client (auth, cache, throttle, resilience, fleet) is read on its own");

    @ArchTest
    static final ArchRule subsystemsDoNotReachBackIntoTheFacade = noClasses()
            .that()
            .resideInAPackage("..bff.partnercenter.*..")
            .should()
            .dependOnClassesThat()
            .haveSimpleName("PartnerCenter")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleName("PartnerCenterClient")
            .orShould()
            .dependOnClassesThat()
            .haveSimpleName("IdempotentUpdates")
            .because("the front door and the client put the subsystems together, not the other way round; the"
                    + " subsystems speak the module's own terms (its answers, its failure) and nothing more");

    @ArchTest
    static final ArchRule partnerCentersPayloadsAreNotTheApisRecords = noClasses()
            .that()
            .resideInAPackage("..bff.partnercenter.upstream..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.swagger..", "org.springdoc..")
            .because("what portals see is documented on the API's own records, which can change apart from"
                    + " Partner Center's");

    @ArchTest
    static final ArchRule redisIsTouchedOnlyByTheFleet = noClasses()
            .that()
            .resideOutsideOfPackage("..bff.partnercenter.fleet..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.data.redis..", "io.lettuce..")
            .because("fleet state goes through FleetState, whose Redis implementation is where slot-safety, timeouts"
                    + " and failover handling live once; a store says what it keeps, never how Redis is spoken to");

    @ArchTest
    static final ArchRule storesAreBuiltOnTheStateNotOnRedis = noClasses()
            .that()
            .resideOutsideOfPackage("..bff.partnercenter.fleet..")
            .should()
            .dependOnClassesThat()
            .haveSimpleName("RedisFleetState")
            .because("every store is written once, against FleetState, and works the same in memory and in Redis;"
                    + " FleetConfiguration alone chooses which");
}
