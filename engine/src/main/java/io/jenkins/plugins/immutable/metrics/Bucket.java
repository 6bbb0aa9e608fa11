package io.jenkins.plugins.immutable.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of the time series: the figures of one day or week (cut to the window at its ends).
 *
 * @param window       the bucket's time
 * @param overall      all environments together
 * @param environments each environment, in promotion order
 */
public record Bucket(Window window, Figures overall, Map<String, Figures> environments) {

    public Bucket {
        environments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environments));
    }
}
