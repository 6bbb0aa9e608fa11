package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FileDeploymentJournalTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private static final Digest OLD = Digest.sha256("old".getBytes(StandardCharsets.UTF_8));
    private static final Digest NEW = Digest.sha256("new".getBytes(StandardCharsets.UTF_8));

    static DeploymentState state(long revision) {
        Instant t = Instant.parse("2026-11-20T10:15:30Z");
        return new DeploymentState("d1", "prod", "127.0.0.1:5101/team/app", "canary", OLD, Track.BLUE, NEW,
                Track.GREEN, 2, Canary.of(Duration.ofMinutes(5), 5, 25).plan(new Situation("prod", Track.BLUE, OLD,
                NEW, 2, false, true, true)), 1, false, Phase.RUNNING, 2, "pid 7 on ci", revision, t, t.plusSeconds(9),
                t.plusSeconds(5), t.plusSeconds(7), "held at canary 25%: marginal");
    }

    @Test
    public void keepsTheStateExactlyAcrossInstances() {
        Path dir = folder.getRoot().toPath();
        new FileDeploymentJournal(dir).save(state(1));
        assertEquals(Optional.of(state(1)), new FileDeploymentJournal(dir).load("prod"));
        assertEquals(Optional.empty(), new FileDeploymentJournal(dir).load("dev"));
    }

    @Test
    public void refusesAStaleRevisionNamingTheOwner() {
        FileDeploymentJournal journal = new FileDeploymentJournal(folder.getRoot().toPath());
        journal.save(state(1));
        journal.save(state(2));
        EngineException e = assertThrows(EngineException.class, () -> journal.save(state(2)));
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("moved on to revision 2")
                && e.getMessage().contains("owner pid 7 on ci"));
        assertThrows(EngineException.class, () -> new FileDeploymentJournal(folder.getRoot().toPath()).save(state(5)));
    }

    @Test
    public void aDamagedStateIsAnIntegrityErrorSayingWhatToDo() throws Exception {
        Path dir = folder.getRoot().toPath();
        Files.writeString(dir.resolve("prod.json"), "{\"version\":1,\"deployment\":{\"id\":");
        EngineException e = assertThrows(EngineException.class, () -> new FileDeploymentJournal(dir).load("prod"));
        assertEquals(EngineException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("prod.json cannot be read"));
    }

    @Test
    public void theJsonFormIsStable() {
        String json = new String(DeploymentStateJson.toJson(state(3)), StandardCharsets.UTF_8);
        assertTrue(json, json.contains("\"version\" : 1"));
        assertTrue(json, json.contains("\"to\" : \"" + NEW + "\""));
        assertTrue(json, json.contains("\"pause\" : \"PT5M\""));
        assertTrue(json, json.contains("\"started\" : \"2026-11-20T10:15:30Z\""));
        assertEquals(state(3), DeploymentStateJson.fromJson(json.getBytes(StandardCharsets.UTF_8), "test"));
    }
}
