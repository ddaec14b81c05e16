package io.spillway.it;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layers of docs/architecture.md, enforced: lower layers never import upper ones. */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.spillway");
    }

    @Test
    void commonDependsOnNoOtherLayer() {
        noClasses().that().resideInAPackage("io.spillway.common..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.storage..", "io.spillway.log..",
                        "io.spillway.meta..", "io.spillway.broker..", "io.spillway.protocol..", "io.spillway.server..")
                .check(classes);
    }

    @Test
    void storageKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("io.spillway.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.log..", "io.spillway.meta..",
                        "io.spillway.broker..", "io.spillway.protocol..", "io.spillway.server..",
                        "org.apache.kafka.common.message..", "org.apache.kafka.common.requests..", "io.netty..")
                .check(classes);
    }

    @Test
    void logSeesOnlyTheStorageApiAndRecordFormat() {
        noClasses().that().resideInAPackage("io.spillway.log..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.storage.local..", "io.spillway.meta..",
                        "io.spillway.broker..", "io.spillway.protocol..", "io.spillway.server..",
                        "org.apache.kafka.common.message..", "org.apache.kafka.common.requests..", "io.netty..")
                .check(classes);
    }

    @Test
    void metaIsIndependentOfLogsAndRequests() {
        noClasses().that().resideInAPackage("io.spillway.meta..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.storage..", "io.spillway.log..",
                        "io.spillway.broker..", "io.spillway.protocol..", "io.spillway.server..", "io.netty..")
                .check(classes);
    }

    @Test
    void brokerHandlersDoNotKnowTheNetworkOrTheStorageEngine() {
        noClasses().that().resideInAPackage("io.spillway.broker..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.protocol..", "io.spillway.server..",
                        "io.spillway.storage.local..", "io.netty..")
                .check(classes);
    }

    @Test
    void protocolDoesNotReachIntoStorageOrServer() {
        noClasses().that().resideInAPackage("io.spillway.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.storage..", "io.spillway.meta..",
                        "io.spillway.server..")
                .check(classes);
    }

    @Test
    void nothingBelowTheHttpLayerKnowsItOrTheMetricsLibrary() {
        noClasses().that().resideInAnyPackage("io.spillway.common..", "io.spillway.storage..", "io.spillway.log..",
                        "io.spillway.meta..", "io.spillway.coordinator..", "io.spillway.broker..", "io.spillway.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.http..", "io.micrometer..",
                        "io.prometheus..")
                .check(classes);
    }

    @Test
    void httpSitsBesideProtocolAboveBroker() {
        noClasses().that().resideInAPackage("io.spillway.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.spillway.server..", "io.spillway.protocol..",
                        "io.spillway.storage.local..")
                .check(classes);
    }
}
