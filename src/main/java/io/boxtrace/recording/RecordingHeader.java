package io.boxtrace.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.boxtrace.event.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The first line of a recording: what recorded it, where, and the clock offsets that turn the
 * recording's CLOCK_MONOTONIC stamps into wall time on any other machine (monotonic time is only
 * meaningful on the host that recorded it, so the offsets must travel with the data).
 *
 * @param version          the recording format version ({@link #FORMAT_VERSION})
 * @param boxtraceVersion  the boxtrace version that wrote it
 * @param wallMinusMonoNs  wall-clock epoch ns minus CLOCK_MONOTONIC ns at recording time
 * @param bootMinusMonoNs  CLOCK_BOOTTIME minus CLOCK_MONOTONIC (time the host spent suspended)
 * @param startMonoNs      CLOCK_MONOTONIC when the recording began
 * @param hostname         the recording host's name
 * @param kernel           the kernel release ({@code uname -r})
 * @param source           the event source used ({@code ebpf}, {@code netlink}, {@code procfs})
 * @param command          the traced command, empty when the whole host was recorded
 * @param containers       the {@code --container} selectors, empty for all
 * @param initialState     true when the lines right after the header hold the processes (and with
 *                         them the containers) alive when recording began, marked {@code "initial":true};
 *                         false in recordings from before boxtrace wrote them, which know a process
 *                         that was already running only from its first event
 *
 * <p>Immutable.
 */
public record RecordingHeader(int version, String boxtraceVersion, long wallMinusMonoNs, long bootMinusMonoNs,
                              long startMonoNs, String hostname, String kernel, String source,
                              List<String> command, List<String> containers, boolean initialState) {

    /** The {@code type} of the header line. */
    public static final String TYPE = "boxtrace_recording";
    public static final int FORMAT_VERSION = 1;

    public RecordingHeader {
        command = command == null ? List.of() : List.copyOf(command);
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** A header without initial state, as recordings had before it was written. */
    public RecordingHeader(int version, String boxtraceVersion, long wallMinusMonoNs, long bootMinusMonoNs,
                           long startMonoNs, String hostname, String kernel, String source,
                           List<String> command, List<String> containers) {
        this(version, boxtraceVersion, wallMinusMonoNs, bootMinusMonoNs, startMonoNs, hostname, kernel, source,
                command, containers, false);
    }

    /** This header, saying that the initial state follows it (the recording writer's promise). */
    public RecordingHeader withInitialState() {
        return new RecordingHeader(version, boxtraceVersion, wallMinusMonoNs, bootMinusMonoNs, startMonoNs, hostname,
                kernel, source, command, containers, true);
    }

    /** A header for a recording that starts now on this host with the given clock. */
    public static RecordingHeader of(Clock clock, long startMonoNs, String boxtraceVersion, String source,
                                     List<String> command, List<String> containers) {
        // Clock keeps its offsets private; they fall out of converting 0.
        return new RecordingHeader(FORMAT_VERSION, boxtraceVersion, clock.toEpochNs(0), -clock.bootToMono(0),
                startMonoNs, hostName(), System.getProperty("os.version", "unknown"), source, command, containers);
    }

    /** The recording host's clock, for converting the recording's stamps. */
    public Clock clock() {
        return new Clock(wallMinusMonoNs, bootMinusMonoNs);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", TYPE);
        n.put("version", version);
        n.put("boxtrace_version", boxtraceVersion);
        ObjectNode clock = n.putObject("clock");
        clock.put("wall_minus_mono_ns", wallMinusMonoNs);
        clock.put("boot_minus_mono_ns", bootMinusMonoNs);
        n.put("start_mono_ns", startMonoNs);
        n.put("hostname", hostname);
        n.put("kernel", kernel);
        n.put("source", source);
        command.forEach(n.putArray("command")::add);
        containers.forEach(n.putArray("containers")::add);
        if (initialState) {
            n.put("initial_state", true);
        }
        return n;
    }

    /** Parses a header line; null when the object is not a boxtrace header at all. */
    public static RecordingHeader fromJson(JsonNode n) {
        if (!n.isObject() || !TYPE.equals(n.path("type").asText()) || !n.path("clock").isObject()) {
            return null;
        }
        return new RecordingHeader(JsonFields.i(n, "version", 0), n.path("boxtrace_version").asText(null),
                JsonFields.l(n.path("clock"), "wall_minus_mono_ns", 0), JsonFields.l(n.path("clock"), "boot_minus_mono_ns", 0),
                JsonFields.nonNegative(n, "start_mono_ns"), n.path("hostname").asText(null), n.path("kernel").asText(null),
                n.path("source").asText(null), strings(n.path("command")), strings(n.path("containers")),
                n.path("initial_state").asBoolean(false));
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(s -> out.add(s.asText()));
        return out;
    }

    private static String hostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
