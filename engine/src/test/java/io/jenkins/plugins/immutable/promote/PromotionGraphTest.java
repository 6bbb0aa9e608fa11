package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** The shape of a promotion graph: its order, its relations, and every way it can be wrong. */
public class PromotionGraphTest {

    @Test
    public void aPlainOrderIsAChainInWhichEachTakesFromTheOneBefore() {
        PromotionGraph g = PromotionGraph.chain("dev", "test", "prod");
        assertTrue(g.isChain());
        assertEquals(List.of("dev", "test", "prod"), g.environments());
        assertEquals(List.of(), g.upstreams("dev"));
        assertEquals(List.of("dev"), g.upstreams("test"));
        assertEquals(List.of("prod"), g.downstreams("test"));
        assertEquals(List.of("dev"), g.roots());
        assertEquals(List.of("prod"), g.leaves());
        assertEquals(List.of("test", "prod"), g.reachableFrom("dev"));
        assertEquals("dev -> test -> prod", g.describe());
        assertEquals(g, new PromotionGraph(List.of("dev", "test", "prod"), Map.of("test", Upstream.all("dev"),
                "prod", Upstream.all("test"))));
    }

    @Test
    public void variantsShareAnUpstreamAndTheOrderPutsEachAfterItsUpstreams() {
        // listed out of order on purpose: the order is upstream first, ties as listed
        PromotionGraph g = new PromotionGraph(List.of("prod-acme", "prod", "staging", "hotfix", "dev"), Map.of(
                "prod-acme", Upstream.all("staging"), "prod", Upstream.any("staging", "hotfix"),
                "staging", Upstream.all("dev")));
        assertFalse(g.isChain());
        assertEquals(List.of("hotfix", "dev", "staging", "prod-acme", "prod"), g.environments());
        assertEquals(List.of("hotfix", "dev"), g.roots());
        assertEquals(List.of("prod-acme", "prod"), g.leaves());
        assertEquals(List.of("prod-acme", "prod"), g.downstreams("staging"));
        assertEquals(List.of("staging", "prod-acme", "prod"), g.reachableFrom("dev"));
        assertEquals(Upstream.Requires.ANY, g.requires("prod"));
        assertEquals(Upstream.Requires.ALL, g.requires("prod-acme"));
        assertEquals("hotfix; dev; staging <- dev; prod-acme <- staging; prod <- any of staging, hotfix",
                g.describe());
        EngineException unknown = assertThrows(EngineException.class, () -> g.upstreams("qa"));
        assertTrue(unknown.getMessage(), unknown.getMessage().contains("there is no environment 'qa'"));
    }

    @Test
    public void aCycleIsFoundAtTheEntryThatClosesItWithTheWholeCycle() {
        Optional<PromotionGraph.Problem> p = PromotionGraph.problem(List.of("dev", "a", "b", "c"), Map.of(
                "a", Upstream.all("dev", "c"), "b", Upstream.all("a"), "c", Upstream.all("b")));
        // the walk goes a -> its upstream c -> b -> a: b's entry closes it
        assertEquals("b", p.orElseThrow().environment());
        assertEquals(0, p.get().index());
        assertTrue(p.get().message(), p.get().message().startsWith("b's upstream 'a' closes a cycle: a -> b -> c"
                + " -> a (each takes its digests from the one before)"));
        EngineException e = assertThrows(EngineException.class, () -> new PromotionGraph(List.of("a", "b"),
                Map.of("a", Upstream.all("b"), "b", Upstream.all("a"))));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("closes a cycle: a -> b -> a"));
    }

    @Test
    public void anUnknownASelfAndATwiceNamedUpstreamAreEachNamedAtTheirEntry() {
        List<String> names = List.of("dev", "prod");
        PromotionGraph.Problem unknown = PromotionGraph.problem(names, Map.of("prod", Upstream.all("dev", "stage")))
                .orElseThrow();
        assertEquals(1, unknown.index());
        assertTrue(unknown.message(), unknown.message().contains("'stage' is not an environment"));
        PromotionGraph.Problem self = PromotionGraph.problem(names, Map.of("prod", Upstream.all("prod")))
                .orElseThrow();
        assertTrue(self.message(), self.message().startsWith("prod names itself as its upstream"));
        PromotionGraph.Problem twice = PromotionGraph.problem(names, Map.of("prod", Upstream.all("dev", "dev")))
                .orElseThrow();
        assertEquals(1, twice.index());
        assertTrue(PromotionGraph.problem(names, Map.of("prod", Upstream.all("dev"))).isEmpty());
    }
}
