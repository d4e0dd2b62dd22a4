package com.contoso.partnercenter.bff;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
}
