package io.boxtrace.sink.ctf;

import io.boxtrace.recording.RecordingHeader;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The TSDL metadata of a CTF 1.8 trace shaped like an LTTng kernel trace, so that Trace Compass
 * recognises it as one (it looks for env {@code domain = "kernel"} and {@code tracer_name =
 * "lttng-modules"}) and its Linux kernel analysis finds the event and field names it reads.
 * Field names carry LTTng's leading underscore, which readers strip. Every integer is byte
 * aligned (as LTTng's packed layout), so the binary stream needs no padding.
 *
 * <p>Keep in sync with {@link CtfStreamWriter}: the event ids and field order below are the
 * byte layout that class writes. Stateless.
 */
final class CtfMetadata {

    static final int FORK = 0;
    static final int EXEC = 1;
    static final int EXIT = 2;
    static final int STATEDUMP = 3;
    static final int MAGIC = 0xC1FC1FC1;

    private CtfMetadata() {
    }

    static String tsdl(RecordingHeader h, UUID uuid) {
        long offsetNs = h.wallMinusMonoNs();
        String created = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssZ").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochSecond(Math.floorDiv(offsetNs + h.startMonoNs(), 1_000_000_000L)));
        String comm = "integer { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; }";
        return """
                /* CTF 1.8 */

                typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
                typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
                typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
                typealias integer { size = 32; align = 8; signed = true; } := int32_t;

                trace {
                	major = 1;
                	minor = 8;
                	uuid = "%1$s";
                	byte_order = le;
                	packet.header := struct {
                		uint32_t magic;
                		uint8_t  uuid[16];
                		uint32_t stream_id;
                		uint64_t stream_instance_id;
                	};
                };

                env {
                	hostname = "%2$s";
                	domain = "kernel";
                	sysname = "Linux";
                	kernel_release = "%3$s";
                	kernel_version = "%3$s";
                	tracer_name = "lttng-modules";
                	tracer_major = 2;
                	tracer_minor = 13;
                	tracer_patchlevel = 0;
                	trace_buffering_scheme = "global";
                	trace_name = "boxtrace";
                	trace_creation_datetime = "%4$s";
                	producer = "boxtrace %5$s";
                	boxtrace_source = "%6$s";
                };

                clock {
                	name = "monotonic";
                	uuid = "%1$s";
                	description = "Monotonic Clock";
                	freq = 1000000000;
                	precision = 1;
                	offset_s = %7$d;
                	offset = %8$d;
                	absolute = TRUE;
                };

                typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } := uint64_clock_monotonic_t;

                struct packet_context {
                	uint64_clock_monotonic_t timestamp_begin;
                	uint64_clock_monotonic_t timestamp_end;
                	uint64_t content_size;
                	uint64_t packet_size;
                	uint64_t packet_seq_num;
                	uint64_t events_discarded;
                	uint32_t cpu_id;
                };

                stream {
                	id = 0;
                	event.header := struct {
                		uint32_t id;
                		uint64_clock_monotonic_t timestamp;
                	};
                	packet.context := struct packet_context;
                };

                event {
                	name = "sched_process_fork";
                	id = 0;
                	stream_id = 0;
                	fields := struct {
                		%9$s _parent_comm[16];
                		int32_t _parent_tid;
                		int32_t _parent_pid;
                		uint32_t _parent_ns_inum;
                		%9$s _child_comm[16];
                		int32_t _child_tid;
                		int32_t _child_pid;
                		uint32_t _child_ns_inum;
                	};
                };

                event {
                	name = "sched_process_exec";
                	id = 1;
                	stream_id = 0;
                	fields := struct {
                		string _filename;
                		int32_t _tid;
                		int32_t _old_tid;
                	};
                };

                event {
                	name = "sched_process_exit";
                	id = 2;
                	stream_id = 0;
                	fields := struct {
                		%9$s _comm[16];
                		int32_t _tid;
                		int32_t _prio;
                	};
                };

                event {
                	name = "lttng_statedump_process_state";
                	id = 3;
                	stream_id = 0;
                	fields := struct {
                		int32_t _tid;
                		int32_t _vtid;
                		int32_t _pid;
                		int32_t _vpid;
                		int32_t _ppid;
                		int32_t _vppid;
                		%9$s _name[16];
                		int32_t _type;
                		int32_t _mode;
                		int32_t _submode;
                		int32_t _status;
                		uint32_t _cpu;
                	};
                };
                """.formatted(uuid, quote(h.hostname()), quote(h.kernel()), created, quote(h.boxtraceVersion()),
                quote(h.source()), Math.floorDiv(offsetNs, 1_000_000_000L), Math.floorMod(offsetNs, 1_000_000_000L), comm);
    }

    private static String quote(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
