package dev.vigil.jobs.detection.decode;

import dev.vigil.schema.DeadLetter;
import dev.vigil.schema.DeadLetterReason;
import java.util.EnumMap;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits decoded input into the valid records (main output) and dead letters ({@link
 * #DEAD_LETTERS} side output), counting dead letters per reason ({@code deadLetters_<REASON>}) and
 * valid records ({@code records}). Nothing is dropped: every input leaves on exactly one output.
 *
 * @param <I> the decoded wrapper (a value or a dead letter)
 * @param <O> the valid value
 */
public final class DeadLetterRouter<I, O> extends ProcessFunction<I, O> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private final SerializableFunction<I, O> value;
    private final SerializableFunction<I, DeadLetter> deadLetter;

    private transient EnumMap<DeadLetterReason, Counter> deadLetterCounters;
    private transient Counter records;

    public DeadLetterRouter(SerializableFunction<I, O> value, SerializableFunction<I, DeadLetter> deadLetter) {
        this.value = value;
        this.deadLetter = deadLetter;
    }

    /** A function Flink can ship to the task managers. */
    public interface SerializableFunction<A, B> extends Function<A, B>, java.io.Serializable {}

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup();
        records = group.counter("records");
        deadLetterCounters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterCounters.put(reason, group.counter(counterName(reason)));
        }
    }

    public static String counterName(DeadLetterReason reason) {
        return "deadLetters_" + reason.name();
    }

    @Override
    public void processElement(I in, Context ctx, Collector<O> out) {
        O valid = value.apply(in);
        if (valid != null) {
            records.inc();
            out.collect(valid);
            return;
        }
        DeadLetter dead = deadLetter.apply(in);
        if (dead == null) {
            dead = DeadLetters.of(DeadLetterReason.OTHER, "decoder produced neither a value nor a dead letter",
                    "unknown", -1, -1, null, null, null, 0L);
        }
        deadLetterCounters.get(dead.getReason()).inc();
        ctx.output(DEAD_LETTERS, dead);
    }

}
