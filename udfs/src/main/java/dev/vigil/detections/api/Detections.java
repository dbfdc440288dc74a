package dev.vigil.detections.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The detections on the classpath, discovered with {@link ServiceLoader}. */
public final class Detections {

    private Detections() {}

    /** Every discovered detection, in a stable order (by id); fails on a duplicate id. */
    public static List<Detection> discover() {
        Map<String, Detection> byId = new HashMap<>();
        for (Detection detection : ServiceLoader.load(Detection.class, Detections.class.getClassLoader())) {
            Detection previous = byId.putIfAbsent(detection.metadata().id(), detection);
            if (previous != null) {
                throw new IllegalStateException("Two detections share the id " + detection.metadata().id()
                        + ": " + previous.getClass().getName() + " and " + detection.getClass().getName());
            }
        }
        List<Detection> all = new ArrayList<>(byId.values());
        all.sort((a, b) -> a.metadata().id().compareTo(b.metadata().id()));
        return all;
    }
}
