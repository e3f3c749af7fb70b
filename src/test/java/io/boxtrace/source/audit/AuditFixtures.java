package io.boxtrace.source.audit;

import io.boxtrace.event.Event;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.NamespaceEvent;
import io.boxtrace.event.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Audit datagrams captured from the real kernel by scripts/capture-audit-fixtures.py (each after
 * its length as a u32 little-endian), and the source's decoding chain run over them.
 */
final class AuditFixtures {

    private AuditFixtures() {
    }

    static List<ByteBuffer> datagrams(String name) {
        try (InputStream in = AuditFixtures.class.getResourceAsStream("/audit/" + name + ".bin")) {
            ByteBuffer all = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            List<ByteBuffer> out = new ArrayList<>();
            while (all.remaining() >= 4) {
                int len = all.getInt();
                out.add(all.slice(all.position(), len).order(ByteOrder.nativeOrder()));
                all.position(all.position() + len);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<AuditRecord> records(String name) {
        return datagrams(name).stream().map(AuditRecord::parse).filter(r -> r != null).toList();
    }

    /** Records minus those dropped, decoded as the source does (assembler, decoder, fork linker). */
    static List<Event> decode(List<AuditRecord> records, int maxArgs, int maxBytes, Predicate<AuditRecord> drop) {
        AuditEventAssembler assembler = new AuditEventAssembler(100, 10, 1000, 8L << 20);
        AuditEventDecoder decoder = new AuditEventDecoder(epochNs -> epochNs, maxArgs, maxBytes);
        ForkLinker linker = new ForkLinker(pid -> true, 1_000_000);
        List<Event> out = new ArrayList<>();
        java.util.function.Consumer<AuditRecordGroup> onGroup = g -> decoder.decode(g,
                e -> linker.event(e, task(e), 0, out::add), c -> linker.clone(c, 0, out::add));
        long now = 0;
        for (AuditRecord r : records) {
            if (!drop.test(r)) {
                assembler.accept(r, now, onGroup);
            }
            assembler.drain(now, onGroup);
            now++; // one "nanosecond" per record: the timeouts above count records
        }
        assembler.flush(onGroup);
        return out;
    }

    static List<Event> decode(String name) {
        return decode(records(name), 1000, 1 << 20, r -> false);
    }

    static Task task(Event e) {
        return switch (e) {
            case ExecEvent x -> x.task();
            case ExitEvent x -> x.task();
            case NamespaceEvent x -> x.task();
            default -> throw new IllegalArgumentException(e.type());
        };
    }

    static <T extends Event> List<T> of(List<Event> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
