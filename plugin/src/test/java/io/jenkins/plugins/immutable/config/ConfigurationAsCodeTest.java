package io.jenkins.plugins.immutable.config;

import static io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.model.CNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ConfigurationAsCodeTest {

    @Rule
    public JenkinsConfiguredWithCodeRule r = new JenkinsConfiguredWithCodeRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** immutable.yaml as the CLI reads it: the same configuration as casc.yaml. */
    private DeliveryConfig asTheCliReadsIt() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("immutable.yaml")) {
            return ConfigYaml.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "immutable.yaml");
        }
    }

    @Test
    @ConfiguredWithCode("casc.yaml")
    public void configurationAsCodeUsesTheFieldNamesOfImmutableYaml() throws Exception {
        DeliveryConfig jenkins = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        assertEquals(asTheCliReadsIt(), jenkins);
        assertEquals(List.of("dev", "staging", "prod"), jenkins.environments().stream()
                .map(EnvironmentConfig::name).toList());
        assertEquals(new StrategyConfig.Canary(List.of(5, 25, 50), "60s", "default", 1),
                jenkins.environment("prod").strategy());
        // CasC replaces ${...} with its variables; ^${scope} in casc.yaml keeps the placeholder
        assertThat(jenkins.analysisTemplates().get(0).metrics().get(0).query(), containsString(",${scope}}"));
    }

    @Test
    @ConfiguredWithCode("casc.yaml")
    public void theExportedConfigurationConfiguresTheSameAgain() throws Exception {
        DeliveryConfig configured = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode node = getUnclassifiedRoot(context).get("immutableDelivery");
        String exported = toYamlString(node);
        for (String field : List.of("registries:", "credentialsId: \"registry-prod\"", "trustedKeys:",
                "environments:", "docker:", "swarm:", "kubernetes:", "haproxy:", "blueGreen:", "canary:",
                "signedBy:", "provenance:", "analysisTemplates:", "prometheus:", "groups:", "metrics:",
                "retention:", "keepWithin: \"14d\"", "windows:", "timeZone: \"Europe/Berlin\"", "soak: \"2h\"",
                "slo:", "burnRates: \"1h: 14.4, 5m: 10\"", "betweenCanarySteps: true", "ledgerKey: \"release\"",
                "upstream:", "- \"dev\"", "requires: \"any\"")) {
            assertThat(exported, containsString(field));
        }

        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setRegistries(List.of());
        c.setSigning(null);
        c.setScan(null);
        c.setRetention(null);
        c.setEnvironments(List.of());
        c.setAnalysisTemplates(List.of());
        assertTrue(c.toDeliveryConfig().environments().isEmpty());

        StringBuilder yaml = new StringBuilder("unclassified:\n  immutableDelivery:\n");
        exported.lines().forEach(line -> yaml.append("    ").append(line).append('\n'));
        Path file = tmp.newFile("exported.yaml").toPath();
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        ConfigurationAsCode.get().configure(file.toString());

        assertEquals(configured, ImmutableDeliveryConfiguration.get().toDeliveryConfig());
    }
}
