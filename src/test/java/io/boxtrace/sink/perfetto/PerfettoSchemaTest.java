package io.boxtrace.sink.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.sink.Golden;
import io.boxtrace.sink.SampleStreams;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decodes the .pftrace output with Google's protobuf runtime against Perfetto's own schema (the
 * fields boxtrace writes, copied from Perfetto's .proto files into
 * src/test/resources/perfetto/trace_subset.textproto): a decoder that shares nothing with
 * boxtrace's {@link ProtoWriter}. Every field must be known with its wire type (an unknown field
 * fails the test), and the decoded trace must hold what trace_processor needs: a clock snapshot,
 * process and thread tracks, balanced slices per track, paired flows.
 */
class PerfettoSchemaTest {

    @TempDir
    Path dir;

    static Descriptor traceDescriptor() throws Exception {
        FileDescriptorProto.Builder proto = FileDescriptorProto.newBuilder();
        try (Reader r = new InputStreamReader(PerfettoSchemaTest.class.getResourceAsStream("/perfetto/trace_subset.textproto"),
                StandardCharsets.UTF_8)) {
            TextFormat.merge(r, proto);
        }
        return FileDescriptor.buildFrom(proto.build(), new FileDescriptor[0]).findMessageTypeByName("Trace");
    }

    static DynamicMessage decode(List<TracedEvent> events, Path out) throws Exception {
        Golden.convert(events, out);
        return DynamicMessage.parseFrom(traceDescriptor(), Files.readAllBytes(out));
    }

    @Test
    void theSessionDecodesWithPerfettosSchemaIntoTracksSlicesAndFlows() throws Exception {
        DynamicMessage trace = decode(SampleStreams.containerSession(), dir.resolve("t.pftrace"));
        assertNoUnknownFields(trace, "Trace");
        List<Message> packets = repeated(trace, "packet");
        Map<Long, String> processTracks = new HashMap<>();
        Map<Long, Long> threadTracks = new HashMap<>();
        Map<Long, ArrayDeque<String>> open = new HashMap<>();
        Map<String, Map<String, Object>> sliceArgs = new HashMap<>();
        Set<Long> flowsOut = new HashSet<>();
        Set<Long> flowsIn = new HashSet<>();
        List<Long> clocks = new ArrayList<>();
        long lastTs = Long.MIN_VALUE;
        for (Message p : packets) {
            assertThat(get(p, "trusted_packet_sequence_id")).isEqualTo(1);
            if (has(p, "clock_snapshot")) {
                for (Message c : repeated((Message) get(p, "clock_snapshot"), "clocks")) {
                    clocks.add(((Number) get(c, "clock_id")).longValue());
                }
            }
            if (has(p, "track_descriptor")) {
                Message td = (Message) get(p, "track_descriptor");
                long uuid = (Long) get(td, "uuid");
                if (has(td, "process")) {
                    processTracks.put(uuid, (String) get((Message) get(td, "process"), "process_name"));
                } else {
                    assertThat(has(td, "thread")).as("a track is a process or a thread: %s", td).isTrue();
                    threadTracks.put(uuid, (Long) get(td, "parent_uuid"));
                }
            }
            if (has(p, "track_event")) {
                long ts = (Long) get(p, "timestamp");
                assertThat(ts).isGreaterThanOrEqualTo(lastTs);
                lastTs = ts;
                Message te = (Message) get(p, "track_event");
                long track = (Long) get(te, "track_uuid");
                String type = get(te, "type").toString();
                switch (type) {
                    case "TYPE_SLICE_BEGIN" -> {
                        assertThat(threadTracks).containsKey(track);
                        String name = (String) get(te, "name");
                        open.computeIfAbsent(track, k -> new ArrayDeque<>()).push(name);
                        Map<String, Object> args = new HashMap<>();
                        for (Message da : repeated(te, "debug_annotations")) {
                            args.put((String) get(da, "name"), has(da, "int_value") ? get(da, "int_value") : get(da, "string_value"));
                        }
                        sliceArgs.put(name + "#" + args.get("pid"), args);
                        for (Object f : (List<?>) get(te, "terminating_flow_ids")) {
                            flowsIn.add((Long) f);
                        }
                    }
                    case "TYPE_SLICE_END" -> {
                        assertThat(open.get(track)).as("end without begin on track %d", track).isNotEmpty();
                        open.get(track).pop();
                    }
                    case "TYPE_INSTANT" -> {
                        for (Object f : (List<?>) get(te, "flow_ids")) {
                            flowsOut.add((Long) f);
                        }
                    }
                    default -> throw new AssertionError("event type " + type);
                }
            }
        }
        assertThat(clocks).containsExactly(6L, 3L, 1L); // BOOTTIME, MONOTONIC, REALTIME (clock_snapshot.proto BuiltinClock)
        assertThat(open.values()).allMatch(ArrayDeque::isEmpty);
        assertThat(processTracks.values()).containsExactlyInAnyOrder("host",
                "container web (4f1c2a9b8d7e) boxtrace-test/busybox:latest");
        assertThat(threadTracks.values()).allMatch(processTracks::containsKey);
        assertThat(sliceArgs.get("ls /#1001")).containsEntry("exit_code", 0L).containsEntry("nspid", 2L)
                .containsEntry("container", "web");
        assertThat(sliceArgs.get("sleep 1#1003")).containsEntry("killed_by", "SIGKILL");
        assertThat(sliceArgs).containsKeys("logger -t boxtrace-sample#2000", "true storm-19#1119");
        assertThat(flowsOut).isNotEmpty().isEqualTo(flowsIn);
    }

    @Test
    void hostileStringsArriveAsTheExactUtf8Strings() throws Exception {
        DynamicMessage trace = decode(SampleStreams.hostileSession(), dir.resolve("h.pftrace"));
        assertNoUnknownFields(trace, "Trace");
        List<String> names = new ArrayList<>();
        for (Message p : repeated(trace, "packet")) {
            if (has(p, "track_descriptor") && has((Message) get(p, "track_descriptor"), "process")) {
                names.add((String) get((Message) get((Message) get(p, "track_descriptor"), "process"), "process_name"));
            }
            if (has(p, "track_event") && has((Message) get(p, "track_event"), "name")) {
                names.add((String) get((Message) get(p, "track_event"), "name"));
            }
        }
        assertThat(names).contains("container " + SampleStreams.HOSTILE.displayName() + " (0a1b2c3d4e5f) "
                + SampleStreams.HOSTILE.image());
        assertThat(names).anySatisfy(n -> assertThat(n).isEqualTo("sh -c echo " + SampleStreams.MARKUP + " "
                + SampleStreams.TERMINAL));
    }

    /** Fails on any field the schema does not know (or knows with another wire type), at any depth. */
    static void assertNoUnknownFields(Message m, String path) {
        assertThat(m.getUnknownFields().asMap()).as("unknown fields in %s", path).isEmpty();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (e.getKey().isRepeated()) {
                for (Object o : (List<?>) e.getValue()) {
                    assertNoUnknownFields((Message) o, path + "." + e.getKey().getName());
                }
            } else {
                assertNoUnknownFields((Message) e.getValue(), path + "." + e.getKey().getName());
            }
        }
    }

    static boolean has(Message m, String field) {
        return m.hasField(m.getDescriptorForType().findFieldByName(field));
    }

    static Object get(Message m, String field) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
        assertThat(f).as("field %s of %s", field, m.getDescriptorForType().getName()).isNotNull();
        return m.getField(f);
    }

    @SuppressWarnings("unchecked")
    static List<Message> repeated(Message m, String field) {
        return (List<Message>) get(m, field);
    }

}
