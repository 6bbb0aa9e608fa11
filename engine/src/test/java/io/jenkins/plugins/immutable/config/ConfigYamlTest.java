package io.jenkins.plugins.immutable.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.promote.PromotionGraph;
import io.jenkins.plugins.immutable.promote.Upstream;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

public class ConfigYamlTest {

    private static final String FULL = """
            registries:
              - host: 127.0.0.1:5101
                insecure: true
              - host: registry.example.com
                credentialsId: registry-prod
            signing:
              keys:
                - id: release
                  credentialsId: release-key
                  passwordCredentialsId: release-key-password
              trustedKeys:
                - id: release
                  publicKey: |
                    -----BEGIN PUBLIC KEY-----
                    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
                    -----END PUBLIC KEY-----
            scan:
              database: /var/lib/osv
              failOn: critical
              ignore:
                - id: CVE-2024-0001
                  packageName: openssl
                  reason: not reachable
                  expires: 2027-01-31
            environments:
              - name: dev
                repository: 127.0.0.1:5101/team/app
                target:
                  docker: { ports: 24100-24199 }
                router:
                  haproxy: { socket: /run/haproxy.sock }
              - name: prod
                repository: 127.0.0.1:5101/team/app
                replicas: 2
                target:
                  docker: { ports: "24200-24299", healthCheck: /health }
                strategy:
                  canary: { steps: [10, 50], pause: 1m, analysis: default }
                gates:
                  signedBy: [release]
                  scanMaxAge: 24h
            analysisTemplates:
              - name: default
                source:
                  prometheus: { url: "http://127.0.0.1:5106" }
                metrics:
                  - name: errors
                    query: 'sum(rate(x{server=~"${servers}"}[10s]))'
                    direction: increase
                    critical: true
            """;

    @Test
    public void readsEveryPartOfTheSchemaWithItsDefaults() {
        DeliveryConfig c = ConfigYaml.parse(FULL, "immutable.yaml");
        assertEquals(2, c.registries().size());
        assertTrue(c.registries().get(0).insecure());
        assertEquals("registry-prod", c.registry("registry.example.com").orElseThrow().credentialsId());
        assertEquals("release-key-password", c.signing().key("release").orElseThrow().passwordCredentialsId());
        assertEquals("critical", c.scan().failOn());
        assertEquals(1, c.scan().policy().ignores().size());
        EnvironmentConfig dev = c.environment("dev");
        assertEquals(new StrategyConfig.BlueGreen("10m"), dev.strategy());
        assertEquals("127.0.0.1", ((TargetConfig.Docker) dev.target()).address());
        assertEquals(new RouterConfig.Haproxy("/run/haproxy.sock"), dev.router());
        assertTrue(dev.gates().fromPrevious());
        EnvironmentConfig prod = c.environment("prod");
        assertEquals(new StrategyConfig.Canary(List.of(10, 50), "1m", "default", 1), prod.strategy());
        assertEquals(List.of("release"), prod.gates().signedBy());
        assertEquals(List.of("dev"), c.graph().upstreams("prod"));
        assertEquals(50, c.analysisTemplate("default").orElseThrow().minimumPoints().intValue());
    }

    private static final String GRAPH = """
            environments:
              - name: dev
                repository: 127.0.0.1:5101/app
                target: { docker: { ports: "28100-28119" } }
              - name: staging
                repository: 127.0.0.1:5101/app
                target: { docker: { ports: "28100-28119" } }
                upstream: dev
              - name: hotfix
                repository: 127.0.0.1:5101/app
                target: { docker: { ports: "28100-28119" } }
                upstream: []
              - name: prod
                repository: 127.0.0.1:5101/app
                target: { docker: { ports: "28100-28119" } }
                upstream: [staging, hotfix]
                requires: ANY
              - name: prod-acme
                repository: 127.0.0.1:5101/app
                target: { docker: { ports: "28100-28119" } }
                upstream: [staging]
            """;

    @Test
    public void upstreamsMakeAGraphAndAPlainListStaysAChain() {
        DeliveryConfig c = ConfigYaml.parse(GRAPH, "immutable.yaml");
        assertEquals(List.of("dev"), c.environment("staging").upstream());
        assertEquals(List.of(), c.environment("hotfix").upstream());
        assertNull("the first listed may leave it out", c.environment("dev").upstream());
        assertEquals("any", c.environment("prod").requires());
        PromotionGraph g = c.graph();
        assertEquals(List.of("dev", "hotfix"), g.roots());
        assertEquals(List.of("prod", "prod-acme"), g.leaves());
        assertEquals(Upstream.any("staging", "hotfix"), g.upstream("prod"));
        assertEquals("written and read again, upstream: [] stays (it is not the same as no upstream)", c,
                ConfigYaml.parse(ConfigYaml.write(c), "written.yaml"));

        DeliveryConfig plain = ConfigYaml.parse(FULL, "immutable.yaml");
        assertTrue(plain.graph().isChain());
        EnvironmentConfig prod = plain.environment("prod");
        assertEquals("a step's own strategy keeps the environment's upstream", List.of("staging"),
                c.environment("prod-acme").withStrategy(prod.strategy()).upstream());
    }

    @Test
    public void writingAndReadingAgainGivesTheSameConfiguration() {
        DeliveryConfig c = ConfigYaml.parse(FULL, "immutable.yaml");
        assertEquals(c, ConfigYaml.parse(ConfigYaml.write(c), "written.yaml"));
    }

    @Test
    public void anUnknownFieldIsReportedWithFileLineAndFieldAndTheFieldsThatExist() {
        String yaml = "environments:\n  - name: dev\n    repositry: 127.0.0.1:5101/app\n";
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:3:"));
        assertTrue(e.getMessage(), e.getMessage().contains("environments[0].repositry: unknown field 'repositry'"));
        assertTrue(e.getMessage(), e.getMessage().contains("repository"));
    }

    @Test
    public void aBadValueIsReportedWithItsLineFieldAndWhatToWrite() {
        String yaml = """
                environments:
                  - name: dev
                    repository: 127.0.0.1:5101/app
                    target:
                      docker: { ports: lots }
                """;
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().matches("immutable\\.yaml:5:\\d+: environments\\[0]\\.target\\.ports:"
                + " ports 'lots' is not a port range; write it as first-last.*"));
    }

    @Test
    public void aBadValueDeepInTheFilePointsAtItsOwnLineNotAtTheEndOfItsBlock() {
        String yaml = """
                scan:
                  failOn: severe
                  failOnFixableOnly: true
                environments:
                  - name: dev
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 3-4 } }
                    strategy:
                      canary:
                        steps: [5, 25]
                        pause: sometime
                """;
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:2:3: scan.failOn: failOn 'severe' is"
                + " not a severity"));
        String canary = yaml.replace("severe", "high");
        e = assertThrows(EngineException.class, () -> ConfigYaml.parse(canary, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:14:9: environments[1].strategy.pause:"
                + " 'sometime' is not a duration"));
        String missing = canary.replace("sometime", "1s").replace("    repository: 127.0.0.1:5101/app\n    target: { docker: { ports: 3-4 } }", "    target: { docker: { ports: 3-4 } }");
        e = assertThrows(EngineException.class, () -> ConfigYaml.parse(missing, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:8:5: environments[1].repository:"
                + " 'repository' is missing"));
    }

    @Test
    public void aCanaryPauseTooShortForItsAnalysisIsRefusedWhenTheConfigurationIsRead() {
        String yaml = FULL.replace("pause: 1m", "pause: 30s");
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:38:34:"));
        assertTrue(e.getMessage(), e.getMessage().contains("environments[1].strategy.pause: the canary's pause of 30s"
                + " gives the analysis 'default' 30 points (one a second), fewer than its minimumPoints 50: make it"
                + " at least 50s, or lower minimumPoints"));
        String interval = FULL.replace("  - name: default\n", "  - name: default\n    interval: 20s\n");
        e = assertThrows(EngineException.class, () -> ConfigYaml.parse(interval, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().contains("analysisTemplates[0].interval: analysis template"
                + " 'default' judges the last 20s of each step"));
        assertEquals(Duration.ofSeconds(60), Durations.parse(new StrategyConfig.Canary(null, null, null, null).pause()));
    }

    @Test
    public void windowsAndSoakAreReadCheckedAndWrittenBack() {
        String yaml = """
                environments:
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    gates:
                      soak: 30m
                      windows:
                        timeZone: Europe/Berlin
                        allow: ["Mon-Fri 09:00-17:00"]
                        deny: ["Fri 15:00-24:00"]
                """;
        DeliveryConfig c = ConfigYaml.parse(yaml, "immutable.yaml");
        GatesConfig gates = c.environment("prod").gates();
        assertEquals("30m", gates.soak());
        assertEquals(new GatesConfig.WindowsConfig("Europe/Berlin", List.of("Mon-Fri 09:00-17:00"),
                List.of("Fri 15:00-24:00")), gates.windows());
        assertEquals("allow Mon-Fri 09:00-17:00; deny Fri 15:00-24:00 (Europe/Berlin)",
                gates.windows().toWindows().toString());
        assertEquals(c, ConfigYaml.parse(ConfigYaml.write(c), "written.yaml"));
        assertNull("an environment without them has neither", ConfigYaml.parse(yaml.replace(
                "    gates:\n      soak: 30m\n", "    gates:\n"), "x.yaml").environment("prod").gates().soak());

        EngineException zone = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("Europe/Berlin", "Europe/Atlantis"), "immutable.yaml"));
        assertTrue(zone.getMessage(), zone.getMessage().startsWith("immutable.yaml:8:"));
        assertTrue(zone.getMessage(), zone.getMessage().contains("environments[0].gates.windows.timeZone:"
                + " 'Europe/Atlantis' is not a time zone"));
        EngineException deny = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("Fri 15:00-24:00", "Friday afternoon"), "immutable.yaml"));
        assertTrue(deny.getMessage(), deny.getMessage().startsWith("immutable.yaml:10:"));
        assertTrue(deny.getMessage(), deny.getMessage().contains("windows.deny[0]: 'Friday afternoon' is not a"
                + " window"));
        EngineException soak = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("soak: 30m", "soak: a while"), "immutable.yaml"));
        assertTrue(soak.getMessage(), soak.getMessage().startsWith("immutable.yaml:6:"));
        assertTrue(soak.getMessage(), soak.getMessage().contains("environments[0].gates.soak: 'a while' is not a"
                + " duration"));
        EngineException empty = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("allow: [\"Mon-Fri 09:00-17:00\"]", "allow: []").replace(
                        "deny: [\"Fri 15:00-24:00\"]", "deny: []"), "immutable.yaml"));
        assertTrue(empty.getMessage(), empty.getMessage().contains("need at least one allow or deny window"));
    }

    @Test
    public void theErrorBudgetGateIsReadWithDefaultsAndItsQueryMustNameWindowAndScope() {
        String yaml = """
                environments:
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    gates:
                      slo:
                        prometheus: http://127.0.0.1:5107
                        errorRatio: 'sum(rate(x{${scope},code="5xx"}[${window}])) / sum(rate(x{${scope}}[${window}]))'
                """;
        GatesConfig.SloConfig slo = ConfigYaml.parse(yaml, "immutable.yaml").environment("prod").gates().slo();
        assertEquals(99.9, slo.objective(), 0);
        assertEquals(java.util.Map.of("1h", 14.4, "5m", 14.4), slo.burnRates());
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("[${window}]", "[5m]"), "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:8:"));
        assertTrue(e.getMessage(), e.getMessage().contains("environments[0].gates.slo.errorRatio: the error-ratio"
                + " query needs ${window}"));
        EngineException rates = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml.replace(
                "        errorRatio", "        burnRates: { 1h: 0 }\n        errorRatio"), "immutable.yaml"));
        assertTrue(rates.getMessage(), rates.getMessage().contains("gates.slo.burnRates: burn rate '1h: 0.0'"));
    }

    @Test
    public void aPrometheusQueryWithoutAScopeIsRefusedAndTheMessageNamesTheCascEscape() {
        String yaml = FULL.replace("x{server=~\"${servers}\"}", "x{code=\"5xx\"}");
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().contains("has no ${scope}"));
        assertTrue(e.getMessage(), e.getMessage().contains("write ^${scope}"));
    }

    @Test
    public void aMarginalVerdictWaitsTenMinutesUnlessTheTemplateSaysOtherwise() {
        assertEquals("10m", ConfigYaml.parse(FULL, "immutable.yaml").analysisTemplates().get(0).marginalTimeout());
        String yaml = FULL.replace("    metrics:\n      - name: errors", "    marginalTimeout: 90s\n    metrics:\n"
                + "      - name: errors");
        assertEquals("90s", ConfigYaml.parse(yaml, "immutable.yaml").analysisTemplates().get(0).marginalTimeout());
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml.replace("90s", "soon"),
                "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().contains("marginalTimeout"));
    }

    @Test
    public void sourceErrorsAreRetriedFourTimesAndAnInconclusiveAnalysisHoldsUnlessConfiguredOtherwise() {
        DeliveryConfig defaults = ConfigYaml.parse(FULL, "immutable.yaml");
        AnalysisTemplateConfig t = defaults.analysisTemplates().get(0);
        assertEquals(Integer.valueOf(4), t.consecutiveErrorLimit());
        assertEquals("5s", t.errorBackoff());
        StrategyConfig.Canary canary = (StrategyConfig.Canary) defaults.environment("prod").strategy();
        assertEquals(io.jenkins.plugins.immutable.analysis.InconclusivePolicy.HOLD, canary.inconclusivePolicy());

        String yaml = FULL.replace("    metrics:\n      - name: errors", "    consecutiveErrorLimit: 2\n"
                + "    errorBackoff: 10s\n    metrics:\n      - name: errors")
                .replace("analysis: default }", "analysis: default, onInconclusive: rollback }");
        DeliveryConfig c = ConfigYaml.parse(yaml, "immutable.yaml");
        assertEquals(Integer.valueOf(2), c.analysisTemplates().get(0).consecutiveErrorLimit());
        assertEquals("10s", c.analysisTemplates().get(0).errorBackoff());
        assertEquals(io.jenkins.plugins.immutable.analysis.InconclusivePolicy.ROLL_BACK,
                ((StrategyConfig.Canary) c.environment("prod").strategy()).inconclusivePolicy());

        EngineException policy = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("onInconclusive: rollback", "onInconclusive: panic"), "immutable.yaml"));
        assertTrue(policy.getMessage(), policy.getMessage().matches("(?s)immutable\\.yaml:\\d+:\\d+: .*onInconclusive:"
                + " onInconclusive 'panic' is not a policy: write hold .* or rollback.*"));
        EngineException limit = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("consecutiveErrorLimit: 2", "consecutiveErrorLimit: -1"), "immutable.yaml"));
        assertTrue(limit.getMessage(), limit.getMessage().matches("(?s)immutable\\.yaml:\\d+:\\d+: .*consecutiveErrorLimit:"
                + " consecutiveErrorLimit -1 must be 0 or more.*"));
        EngineException backoff = assertThrows(EngineException.class, () -> ConfigYaml.parse(
                yaml.replace("errorBackoff: 10s", "errorBackoff: soon"), "immutable.yaml"));
        assertTrue(backoff.getMessage(), backoff.getMessage().contains("errorBackoff"));
    }

    @Test
    public void anUnknownStrategyKindSaysWhatKindsExist() {
        String yaml = """
                environments:
                  - name: dev
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    strategy: { bigBang: {} }
                """;
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:5:"));
        assertTrue(e.getMessage(), e.getMessage().contains("bigBang"));
    }

    @Test
    public void blueGreenIsAlsoAcceptedAsItIsPrinted() {
        String yaml = """
                environments:
                  - name: dev
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    strategy: { blue-green: { retention: 5m } }
                """;
        assertEquals(new StrategyConfig.BlueGreen("5m"),
                ConfigYaml.parse(yaml, "immutable.yaml").environment("dev").strategy());
        assertEquals(new StrategyConfig.BlueGreen("5m"), ConfigYaml.parse(yaml.replace("blue-green", "blueGreen"),
                "immutable.yaml").environment("dev").strategy());
    }

    @Test
    public void brokenYamlSyntaxNamesTheLine() {
        EngineException e = assertThrows(EngineException.class,
                () -> ConfigYaml.parse("environments:\n\t- name: dev\n", "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:"));
        assertTrue(e.getMessage(), e.getMessage().contains("not valid YAML"));
    }

    @Test
    public void crossReferencesAreCheckedWhenTheConfigurationIsRead() {
        String yaml = """
                environments:
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    gates: { signedBy: [nobody] }
                """;
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:5:"));
        assertTrue(e.getMessage(), e.getMessage().contains("environments[0].gates.signedBy: environment 'prod'"));
        assertTrue(e.getMessage(), e.getMessage().contains("'nobody', which is not among the trusted keys"));
        assertThrows(EngineException.class, () -> DeliveryConfig.EMPTY.environment("prod"));
    }

    @Test
    public void aLedgerKeyMustBeATrustedKeySoThatReadersCanVerifyIt() {
        String yaml = """
                environments:
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    ledgerKey: ledger-prod
                """;
        EngineException e = assertThrows(EngineException.class, () -> ConfigYaml.parse(yaml, "immutable.yaml"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("immutable.yaml:5:"));
        assertTrue(e.getMessage(), e.getMessage().contains("environments[0].ledgerKey: environment 'prod' signs its"
                + " ledger with the key 'ledger-prod', which is not among the trusted keys"));
    }

    @Test
    public void durationsReadTheShortAndTheIsoForms() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("PT1.5S"));
        assertEquals("36h", Durations.format(Duration.ofHours(36)));
        assertThrows(EngineException.class, () -> Durations.parse("soon"));
    }
}
