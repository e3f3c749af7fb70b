package io.boxtrace.container;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The least HTTP/1.1 a runtime's API socket needs: GET over a Unix-domain socket with the JDK's own
 * channels, one request per connection, Content-Length and chunked bodies, and a streaming mode
 * that hands each line of a chunked body (Docker's /events) to a consumer. A response cut short,
 * malformed, quiet for {@link #TIMEOUT_MS}, not complete within {@link #TOTAL_MS} or larger than {@link #MAX_BODY_BYTES} is an
 * {@link IOException} naming what was wrong; nothing a daemon sends can grow memory past the caps.
 * Thread-safe (no shared state).
 */
final class UnixHttp {

    /** Connect, write and read timeout: a local daemon answers in milliseconds; this is for one that never does. */
    static final long TIMEOUT_MS = 3_000;
    /** Longest a whole request may take (connect to last byte), however steadily the daemon trickles bytes. */
    static final long TOTAL_MS = 10_000;
    /** Largest response body (and so JSON document) accepted: an inspect answer is a few KiB. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Largest line of a streamed body (one Docker event is about 1 KiB). */
    static final int MAX_STREAM_LINE = 1024 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private final Path socket;
    private final long timeoutMs;
    private final long totalMs;

    UnixHttp(Path socket) {
        this(socket, TIMEOUT_MS, TOTAL_MS);
    }

    UnixHttp(Path socket, long timeoutMs, long totalMs) {
        this.socket = socket;
        this.timeoutMs = timeoutMs;
        this.totalMs = totalMs;
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Response get(String path) throws IOException {
        try (SocketDeadlines conn = open()) {
            InputStream in = new BufferedInputStream(conn.input(), 8192);
            send(conn, path);
            int status = readStatus(in);
            Map<String, String> headers = readHeaders(in);
            return new Response(status, headers, readBody(in, headers));
        }
    }

    /**
     * GETs path and feeds every line of the (chunked or plain) body to lines until the server ends
     * it. The status and headers must come within the timeout; then the body may be quiet for as long
     * as it likes (Docker's /events sends nothing while nothing happens), and an interrupt ends it.
     */
    void stream(String path, Consumer<String> lines) throws IOException {
        try (SocketDeadlines conn = open()) {
            InputStream in = new BufferedInputStream(conn.input(), 8192);
            send(conn, path);
            int status = readStatus(in);
            Map<String, String> headers = readHeaders(in);
            if (status != 200) {
                throw new IOException("HTTP " + status + " for " + path);
            }
            conn.readTimeout(0);
            boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            InputStream body = new BufferedInputStream(chunked ? new ChunkedInputStream(in) : in, 8192);
            int c;
            while ((c = body.read()) >= 0) {
                if (c == '\n') {
                    lines.accept(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else if (line.size() >= MAX_STREAM_LINE) {
                    throw new IOException("a streamed line is longer than " + MAX_STREAM_LINE / 1024 + " KiB");
                } else {
                    line.write(c);
                }
            }
        }
    }

    private SocketDeadlines open() throws IOException {
        return SocketDeadlines.connect(SocketChannel.open(StandardProtocolFamily.UNIX), UnixDomainSocketAddress.of(socket),
                timeoutMs, totalMs, socket.toString());
    }

    private static void send(SocketDeadlines conn, String path) throws IOException {
        String req = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: boxtrace\r\nAccept: application/json\r\n\r\n";
        conn.write(java.nio.ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
    }

    private static int readStatus(InputStream in) throws IOException {
        String line = readLine(in);
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + abbreviate(line));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + abbreviate(line));
        }
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        int total = 0;
        while (true) {
            String line = readLine(in);
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("HTTP headers too large");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
    }

    private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            return capped(new ChunkedInputStream(in));
        }
        String len = headers.get("content-length");
        if (len == null) {
            return capped(in);
        }
        int n;
        try {
            n = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + abbreviate(len));
        }
        if (n < 0) {
            throw new IOException("Content-Length out of range: " + n);
        }
        if (n > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
            throw new IOException("response cut short: " + body.length + " of " + n + " bytes");
        }
        return body;
    }

    /** The rest of in, refused once it passes {@link #MAX_BODY_BYTES} (nothing beyond is read or kept). */
    private static byte[] capped(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return body;
    }

    private static IOException tooLarge() {
        return new IOException("answer larger than " + MAX_BODY_BYTES / (1024 * 1024) + " MiB, refused");
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
            if (b.size() > MAX_HEADER_BYTES) {
                throw new IOException("HTTP line too long");
            }
        }
        throw new EOFException("connection closed in the middle of the response");
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
