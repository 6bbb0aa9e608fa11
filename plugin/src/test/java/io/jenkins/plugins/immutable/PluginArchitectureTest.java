package io.jenkins.plugins.immutable;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.Test;

/**
 * The plugin is glue in three packages that mirror what a user meets: configuration (the global page), actions (what
 * runs and jobs show) and steps (what a Jenkinsfile calls). Configuration knows neither of the others, actions do not
 * know the steps; the steps use both.
 */
public class PluginArchitectureTest {

    private final JavaClasses plugin = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jenkins.plugins.immutable.config", "io.jenkins.plugins.immutable.actions",
                    "io.jenkins.plugins.immutable.steps");

    @Test
    public void configurationKnowsNeitherActionsNorSteps() {
        noClasses().that().resideInAPackage("io.jenkins.plugins.immutable.config")
                .should().dependOnClassesThat().resideInAnyPackage("io.jenkins.plugins.immutable.actions",
                        "io.jenkins.plugins.immutable.steps")
                .check(plugin);
    }

    @Test
    public void actionsDoNotKnowTheSteps() {
        noClasses().that().resideInAPackage("io.jenkins.plugins.immutable.actions")
                .should().dependOnClassesThat().resideInAPackage("io.jenkins.plugins.immutable.steps")
                .check(plugin);
    }

    @Test
    public void onlyTheStepsStartEngineOperationsOnAgents() {
        noClasses().that().resideOutsideOfPackage("io.jenkins.plugins.immutable.steps")
                .and().resideInAPackage("io.jenkins.plugins.immutable..")
                .should().dependOnClassesThat().haveFullyQualifiedName("jenkins.MasterToSlaveFileCallable")
                .check(plugin);
    }
}
