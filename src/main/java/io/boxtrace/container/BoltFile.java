package io.boxtrace.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only look-ups in a bbolt database file, the store containerd keeps its metadata in
 * ({@code /var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db}). Reads the file without
 * the daemon's lock: bbolt writes copy-on-write and switches the meta page last, so the newest
 * meta page whose checksum holds names a consistent tree; a page overwritten since is detected by
 * its bounds and flags, and the look-up answers empty rather than wrong data.
 *
 * <p>Layout (bbolt's page.go, meta.go, bucket.go): every page starts with a 16-byte header
 * (id u64, flags u16, count u16, overflow u32); pages 0 and 1 are meta pages; branch elements are
 * (pos u32, ksize u32, pgid u64), leaf elements (flags u32, pos u32, ksize u32, vsize u32), with
 * {@code pos} relative to the element; a bucket value is (root pgid u64, sequence u64), followed by
 * an inline page when root is 0. Little-endian (x86-64, arm64). Not thread-safe; one object per read.
 */
final class BoltFile {

    private static final int MAGIC = 0xED0CDAED;
    private static final int BRANCH = 0x01;
    private static final int LEAF = 0x02;
    private static final int BUCKET_FLAG = 0x01;
    private static final int HEADER = 16;
    private static final int ELEMENT = 16;
    private static final int MAX_DEPTH = 32;

    private final ByteBuffer file;
    private final int pageSize;
    private final long rootPage;

    private BoltFile(ByteBuffer file, int pageSize, long rootPage) {
        this.file = file;
        this.pageSize = pageSize;
        this.rootPage = rootPage;
    }

    /** Opens the file and picks its newest valid meta page; empty when it is no bbolt file. */
    static Optional<BoltFile> open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            return of(buf);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<BoltFile> of(ByteBuffer buf) {
        buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (buf.capacity() < HEADER + 64) {
            return Optional.empty();
        }
        // The page size is written in each meta page; when page 0 is damaged, bbolt falls back to the
        // OS page size to find page 1: do the same with the usual sizes.
        long best = -1;
        long bestTx = -1;
        int bestSize = 0;
        for (int size : new int[] {buf.getInt(HEADER + 8), 4096, 16384, 65536}) {
            for (int i = 0; i < 2; i++) {
                long at = (long) i * size + HEADER;
                if (size < 512 || size > (1 << 20) || at + 64 > buf.capacity() || buf.getInt((int) at) != MAGIC
                        || buf.getInt((int) at + 4) != 2 || buf.getInt((int) at + 8) != size) {
                    continue;
                }
                if (fnv64a(buf, (int) at, 56) != buf.getLong((int) at + 56)) {
                    continue;
                }
                long tx = buf.getLong((int) at + 48);
                if (tx > bestTx) {
                    bestTx = tx;
                    best = buf.getLong((int) at + 16);
                    bestSize = size;
                }
            }
        }
        int size = bestSize;
        return best < 0 ? Optional.empty() : Optional.of(new BoltFile(buf, size, best));
    }

    /** The value at a path of nested buckets and a final key, e.g. {@code v1, default, containers, ID, image}. */
    Optional<byte[]> get(String... path) {
        Optional<Node> bucket = Optional.of(new Node(rootPage, -1));
        for (int i = 0; i < path.length - 1 && bucket.isPresent(); i++) {
            String name = path[i];
            bucket = bucket.flatMap(b -> child(b, name, true)).flatMap(this::bucketRoot);
        }
        return bucket.flatMap(b -> child(b, path[path.length - 1], false)).map(this::value);
    }

    /** Every plain key/value of a bucket (sub-buckets left out), at most {@code limit}. */
    Map<String, String> entries(int limit, String... bucketPath) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<Node> bucket = Optional.of(new Node(rootPage, -1));
        for (String name : bucketPath) {
            bucket = bucket.flatMap(b -> child(b, name, true)).flatMap(this::bucketRoot);
        }
        bucket.ifPresent(b -> collect(b.page, b.inlineAt, out, limit, 0));
        return out;
    }

    /** A page: on disk ({@code inlineAt < 0}) or inline in a bucket value at {@code inlineAt}. */
    private record Node(long page, int inlineAt) {
    }

    /** A leaf element found: its address and flags. */
    private record Element(int at, int flags) {
    }

    private int pageStart(Node n) {
        if (n.inlineAt >= 0) {
            return n.inlineAt;
        }
        long start = n.page * pageSize;
        if (start < 0 || start + HEADER > file.capacity()) {
            throw new IllegalStateException("page beyond the file");
        }
        return (int) start;
    }

    private Optional<Element> childElement(Node n, byte[] key, int depth) {
        if (depth > MAX_DEPTH) {
            return Optional.empty();
        }
        int p = pageStart(n);
        int flags = file.getShort(p + 8) & 0xffff;
        int count = file.getShort(p + 10) & 0xffff;
        if ((flags & BRANCH) != 0) {
            long next = -1;
            for (int i = 0; i < count; i++) {
                int e = p + HEADER + i * ELEMENT;
                if (compare(e + file.getInt(e), file.getInt(e + 4), key) > 0) {
                    break;
                }
                next = file.getLong(e + 8);
            }
            return next < 0 ? Optional.empty() : childElement(new Node(next, -1), key, depth + 1);
        }
        if ((flags & LEAF) == 0) {
            return Optional.empty();
        }
        for (int i = 0; i < count; i++) {
            int e = p + HEADER + i * ELEMENT;
            if (compare(e + file.getInt(e + 4), file.getInt(e + 8), key) == 0) {
                return Optional.of(new Element(e, file.getInt(e)));
            }
        }
        return Optional.empty();
    }

    private Optional<Element> child(Node n, String key, boolean wantBucket) {
        try {
            return childElement(n, key.getBytes(StandardCharsets.UTF_8), 0)
                    .filter(e -> ((e.flags & BUCKET_FLAG) != 0) == wantBucket);
        } catch (RuntimeException e) {
            return Optional.empty(); // a page rewritten under us: no answer rather than a wrong one
        }
    }

    private Optional<Node> bucketRoot(Element e) {
        int valueAt = e.at + file.getInt(e.at + 4) + file.getInt(e.at + 8);
        long root = file.getLong(valueAt);
        return Optional.of(root == 0 ? new Node(0, valueAt + 16) : new Node(root, -1));
    }

    private byte[] value(Element e) {
        int keyAt = e.at + file.getInt(e.at + 4);
        int ksize = file.getInt(e.at + 8);
        int vsize = file.getInt(e.at + 12);
        byte[] v = new byte[Math.min(vsize, 1 << 16)];
        file.get(keyAt + ksize, v);
        return v;
    }

    private void collect(long page, int inlineAt, Map<String, String> out, int limit, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        int p = pageStart(new Node(page, inlineAt));
        int flags = file.getShort(p + 8) & 0xffff;
        int count = file.getShort(p + 10) & 0xffff;
        for (int i = 0; i < count && out.size() < limit; i++) {
            int e = p + HEADER + i * ELEMENT;
            if ((flags & BRANCH) != 0) {
                collect(file.getLong(e + 8), -1, out, limit, depth + 1);
            } else if ((flags & LEAF) != 0 && (file.getInt(e) & BUCKET_FLAG) == 0) {
                byte[] k = new byte[Math.min(file.getInt(e + 8), 4096)];
                file.get(e + file.getInt(e + 4), k);
                out.put(new String(k, StandardCharsets.UTF_8), new String(value(new Element(e, 0)), StandardCharsets.UTF_8));
            }
        }
    }

    private int compare(int at, int len, byte[] key) {
        byte[] k = new byte[len];
        file.get(at, k);
        return Arrays.compareUnsigned(k, key);
    }

    private static long fnv64a(ByteBuffer b, int at, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < len; i++) {
            h ^= b.get(at + i) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
