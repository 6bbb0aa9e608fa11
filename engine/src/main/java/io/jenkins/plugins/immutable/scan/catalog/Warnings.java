package io.jenkins.plugins.immutable.scan.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a scan could not read fully: {@link Skipped} content whose packages may be missing (a corrupt jar, a database
 * over its limit), which makes the scan incomplete, and lesser warnings. Reported beside the findings, so a gap in the
 * inventory is visible rather than silent. Bounded, so a pathological image cannot flood the report; the count of
 * skipped content stays exact.
 */
public final class Warnings {

    private static final int MAX = 200;

    private final List<String> lines = new ArrayList<>();
    private int dropped;
    private final List<Skipped> skipped = new ArrayList<>();
    private int skippedDropped;

    /** Records content that was not read, which makes the scan incomplete. */
    public void skip(String location, String reason) {
        if (skipped.size() < MAX) {
            skipped.add(new Skipped(location, reason));
        } else {
            skippedDropped++;
        }
    }

    /** The skipped content; past the bound, one last entry counts the rest. */
    public List<Skipped> skipped() {
        List<Skipped> out = new ArrayList<>(skipped);
        if (skippedDropped > 0) {
            out.add(new Skipped("(" + skippedDropped + " more)", "not listed, to keep the report small"));
        }
        return Collections.unmodifiableList(out);
    }

    public void add(String warning) {
        if (lines.size() < MAX) {
            lines.add(warning);
        } else {
            dropped++;
        }
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>(lines);
        if (dropped > 0) {
            out.add(dropped + " more warnings were not recorded");
        }
        return Collections.unmodifiableList(out);
    }
}
