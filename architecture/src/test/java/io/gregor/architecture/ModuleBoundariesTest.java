package io.gregor.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.gregor.storage.log.FetchDataInfo;
import io.gregor.storage.log.FetchIsolation;
import io.gregor.storage.log.FileRecordsSlice;
import io.gregor.storage.log.LogOffsetMetadata;
import io.gregor.storage.log.ReadableLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map as build rules, over the main classes of every module (tests are free to reach
 * across). A rule that fails names the class and the dependency; fix the dependency rather than
 * the rule, unless the map itself should change (then change docs/ARCHITECTURE.md with it).
 *
 * <pre>
 * common ◀── everything
 * protocol ◀── server                      (the wire; knows nothing of storage or metadata)
 * storage ◀── replication, coordinator, server   (no protocol, no Netty)
 * metadata ◀── replication, server, cli, testkit (ZooKeeper; no storage)
 * replication ◀── server
 * coordinator ◀── server                    (sees storage only through ReadableLog)
 * server ◀── cli, testkit                   (the wiring; nothing below imports it)
 * cli, testkit ◀── nobody
 * </pre>
 */
class ModuleBoundariesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gregor");
    }

    @Test
    void shouldFindTheClassesOfEveryModule() {
        for (String pkg : new String[] {"io.gregor.common", "io.gregor.protocol", "io.gregor.storage", "io.gregor.metadata",
            "io.gregor.replication", "io.gregor.coordinator", "io.gregor.server", "io.gregor.cli", "io.gregor.testkit"}) {
            org.assertj.core.api.Assertions.assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                .as("classes of %s imported", pkg).isTrue();
        }
    }

    @Test
    void shouldOnlyDependDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("common").definedBy("io.gregor.common..")
            .layer("protocol").definedBy("io.gregor.protocol..")
            .layer("storage").definedBy("io.gregor.storage..")
            .layer("metadata").definedBy("io.gregor.metadata..")
            .layer("replication").definedBy("io.gregor.replication..")
            .layer("coordinator").definedBy("io.gregor.coordinator..")
            .layer("server").definedBy("io.gregor.server..")
            .layer("cli").definedBy("io.gregor.cli..")
            .layer("testkit").definedBy("io.gregor.testkit..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("testkit").mayNotBeAccessedByAnyLayer()
            .whereLayer("server").mayOnlyBeAccessedByLayers("cli", "testkit")
            .whereLayer("coordinator").mayOnlyBeAccessedByLayers("server")
            .whereLayer("replication").mayOnlyBeAccessedByLayers("server")
            .whereLayer("metadata").mayOnlyBeAccessedByLayers("replication", "server", "cli", "testkit")
            .whereLayer("storage").mayOnlyBeAccessedByLayers("replication", "coordinator", "server")
            .whereLayer("protocol").mayOnlyBeAccessedByLayers("server")
            .check(classes);
    }

    @Test
    void shouldKeepNettyOutOfStorageAndCoordination() {
        noClasses().that().resideInAnyPackage("io.gregor.storage..", "io.gregor.metadata..", "io.gregor.coordinator..",
                "io.gregor.replication..", "io.gregor.common..")
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .because("only the network layer (protocol) and the wiring (server) know the transport")
            .check(classes);
    }

    @Test
    void shouldLetTheCoordinatorSeeStorageOnlyThroughTheLogReadApi() {
        noClasses().that().resideInAPackage("io.gregor.coordinator..")
            .should().dependOnClassesThat(resideInAPackage("io.gregor.storage..")
                .and(not(belongToAnyOf(ReadableLog.class, FetchDataInfo.class, FetchIsolation.class, FileRecordsSlice.class,
                    LogOffsetMetadata.class))))
            .because("a coordinator replays its partition through ReadableLog and writes through its PartitionWriter")
            .check(classes);
    }

    @Test
    void shouldKeepZooKeeperInsideMetadata() {
        noClasses().that(not(resideInAnyPackage("io.gregor.metadata..", "io.gregor.server..", "io.gregor.cli..", "io.gregor.testkit..")))
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper..", "org.apache.curator..")
            .check(classes);
    }

    @Test
    void shouldHaveNoCyclesBetweenModules() {
        slices().matching("io.gregor.(*)..").should().beFreeOfCycles().check(classes);
    }
}
