package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class EnvironmentCredentialsTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static final SigningConfig.SigningKeyConfig RELEASE =
            new SigningConfig.SigningKeyConfig("release", "release-key", "release-key-password");

    @Test
    public void variableNamesAreTheIdUpperCasedWithUnderscores() {
        assertEquals("REGISTRY_PROD", EnvironmentCredentials.variable("registry-prod"));
        assertEquals("TEAM_A_RELEASE_KEY_V2", EnvironmentCredentials.variable("team.a/release-key.v2"));
    }

    @Test
    public void registryLoginComesFromUsernameAndPasswordVariables() {
        EnvironmentCredentials env = new EnvironmentCredentials(Map.of("REGISTRY_PROD_USERNAME", "ci",
                "REGISTRY_PROD_PASSWORD", "s3cret-pw"), tmp.getRoot().toPath());
        assertEquals(RegistryCredentials.basic("ci", "s3cret-pw").withSource("the environment variables"
                + " REGISTRY_PROD_USERNAME and REGISTRY_PROD_PASSWORD"), env.registry("registry.example.com",
                "registry-prod"));
        assertNull("no variables: Docker's config or anonymous", env.registry("registry.example.com", "other"));
        assertNull(env.registry("registry.example.com", null));
        EnvironmentCredentials half = new EnvironmentCredentials(Map.of("REGISTRY_PROD_PASSWORD", "s3cret-pw"),
                tmp.getRoot().toPath());
        EngineException e = assertThrows(EngineException.class, () -> half.registry("r.example.com", "registry-prod"));
        assertTrue(e.getMessage(), e.getMessage().contains("needs both REGISTRY_PROD_USERNAME and REGISTRY_PROD_PASSWORD"));
        assertFalse(e.getMessage(), e.getMessage().contains("s3cret-pw"));
    }

    @Test
    public void signingKeyComesFromAFileOrThePemWithItsPasswordVariable() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("release.key");
        String pem;
        SigningKey generated = SigningKey.generate();
        pem = generated.toEncryptedPem("pw-123".toCharArray());
        Files.writeString(file, pem);
        EnvironmentCredentials fromFile = new EnvironmentCredentials(Map.of("RELEASE_KEY_FILE", "release.key",
                "RELEASE_KEY_PASSWORD", "pw-123"), tmp.getRoot().toPath());
        try (SigningKey key = fromFile.signingKey(RELEASE)) {
            assertEquals(generated.publicKey(), key.publicKey());
        }
        EnvironmentCredentials fromPem = new EnvironmentCredentials(Map.of("RELEASE_KEY", pem, "COSIGN_PASSWORD",
                "pw-123"), tmp.getRoot().toPath());
        try (SigningKey key = fromPem.signingKey(RELEASE)) {
            assertEquals(generated.publicKey(), key.publicKey());
        }
        EngineException noPassword = assertThrows(EngineException.class, () -> new EnvironmentCredentials(
                Map.of("RELEASE_KEY", pem), tmp.getRoot().toPath()).signingKey(RELEASE));
        assertTrue(noPassword.getMessage(), noPassword.getMessage().contains("set its password in RELEASE_KEY_PASSWORD"));
        assertFalse(noPassword.getMessage(), noPassword.getMessage().contains("PRIVATE KEY"));
        EngineException none = assertThrows(EngineException.class, () -> new EnvironmentCredentials(Map.of(),
                tmp.getRoot().toPath()).signingKey(RELEASE));
        assertTrue(none.getMessage(), none.getMessage().contains("RELEASE_KEY_FILE") && none.getMessage()
                .contains("neither is set"));
        EngineException wrong = assertThrows(EngineException.class, () -> new EnvironmentCredentials(Map.of(
                "RELEASE_KEY_FILE", "release.key", "RELEASE_KEY_PASSWORD", "not-the-pw"), tmp.getRoot().toPath())
                .signingKey(RELEASE));
        assertFalse(wrong.getMessage(), wrong.getMessage().contains("not-the-pw"));
        generated.close();
    }
}
