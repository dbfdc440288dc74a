package dev.vigil.jobs.detection.enrich;

import dev.vigil.schema.IndicatorType;

/** One observable of an event that the reputation feed may have a verdict for (normalized). */
public record Indicator(IndicatorType type, String value) {}
