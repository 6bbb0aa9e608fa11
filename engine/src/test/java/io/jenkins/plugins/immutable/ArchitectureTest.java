package io.jenkins.plugins.immutable;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchUnitRunner;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.runner.RunWith;

/** The engine's architecture, held by tests so that it cannot drift. */
@RunWith(ArchUnitRunner.class)
@AnalyzeClasses(packages = "io.jenkins.plugins.immutable", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

    /** The engine builds and is tested where Jenkins' repository cannot be reached; the plugin is the only glue. */
    @ArchTest
    public static final ArchRule engineImportsNothingOfJenkins = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage(
                    "hudson..", "jenkins..", "org.jenkinsci..", "org.kohsuke.stapler..", "com.cloudbees..")
            .because("the engine must stay free of Jenkins; put Jenkins glue in the plugin module");

    /** Attestations are signed with sign's keys and envelopes; sign must not need attest, or the two would tangle. */
    @ArchTest
    public static final ArchRule signDoesNotDependOnAttest = noClasses()
            .that().resideInAPackage("..immutable.sign..")
            .should().dependOnClassesThat().resideInAPackage("..immutable.attest..")
            .because("attest builds on sign (keys, DSSE), never the reverse");

    /**
     * Deployment plugs into the ledger (its journal), the registry and the analysis through its own interfaces
     * (DeploymentJournal, CanaryAnalysis); it must not reach into them, or their internals would leak into strategies.
     */
    @ArchTest
    public static final ArchRule deployReachesNoRegistryLedgerOrAnalysis = noClasses()
            .that().resideInAPackage("..immutable.deploy..")
            .should().dependOnClassesThat().resideInAnyPackage("..immutable.registry..", "..immutable.ledger..",
                    "..immutable.promote..", "..immutable.analysis..")
            .because("the ledger and the analysis implement deploy's DeploymentJournal and CanaryAnalysis, not the"
                    + " reverse");

    /**
     * The ledger is the record any tool reads (the CLI's status, the plugin's pages, another team's scripts): it knows
     * nothing of promotion's gates or of the configuration, so that reading it never needs them.
     */
    @ArchTest
    public static final ArchRule ledgerKnowsNothingOfPromotionOrConfiguration = noClasses()
            .that().resideInAPackage("..immutable.ledger..")
            .should().dependOnClassesThat().resideInAnyPackage("..immutable.promote..", "..immutable.config..",
                    "..immutable.cli..")
            .because("promotion builds on the ledger, never the reverse");

    /** Retention decides from the ledgers and the registry alone, so the CLI and the plugin hand it the same policy. */
    @ArchTest
    public static final ArchRule retentionKnowsNothingOfConfigurationOrPromotion = noClasses()
            .that().resideInAPackage("..immutable.retention..")
            .should().dependOnClassesThat().resideInAnyPackage("..immutable.config..", "..immutable.promote..",
                    "..immutable.cli..")
            .because("the configuration builds a RetentionPolicy; retention never reads the configuration");

    /**
     * Freezes are a ledger record and a schedule: the plugin's pages and steps read and set them without the promoter
     * or the configuration.
     */
    @ArchTest
    public static final ArchRule freezesNeedNeitherPromotionNorConfiguration = noClasses()
            .that().resideInAPackage("..immutable.freeze..")
            .should().dependOnClassesThat().resideInAnyPackage("..immutable.promote..", "..immutable.config..",
                    "..immutable.deploy..")
            .because("the promoter's freeze gate builds on freezes, never the reverse");
}
