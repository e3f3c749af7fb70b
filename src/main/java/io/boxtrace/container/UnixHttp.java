package io.boxtrace.container;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
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
 * that hands each line of a chunked body (Docker's /events) to a consumer. A response cut short
 * or malformed is an {@link IOException} naming what was wrong. Thread-safe (no shared state).
 */
final class UnixHttp {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private final Path socket;

    UnixHttp(Path socket) {
        this.socket = socket;
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Response get(String path) throws IOException {
        try (SocketChannel ch = open(); InputStream in = Channels.newInputStream(ch)) {
            send(ch, path);
            int status = readStatus(in);
            Map<String, String> headers = readHeaders(in);
            return new Response(status, headers, readBody(in, headers));
        }
    }

    /** GETs path and feeds every line of the (chunked or plain) body to lines until the server ends it. */
    void stream(String path, Consumer<String> lines) throws IOException {
        try (SocketChannel ch = open(); InputStream in = Channels.newInputStream(ch)) {
            send(ch, path);
            int status = readStatus(in);
            Map<String, String> headers = readHeaders(in);
            if (status != 200) {
                throw new IOException("HTTP " + status + " for " + path);
            }
            boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            InputStream body = chunked ? new ChunkedInputStream(in) : in;
            int c;
            while ((c = body.read()) >= 0) {
                if (c == '\n') {
                    lines.accept(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(c);
                }
            }
        }
    }

    private SocketChannel open() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    private static void send(SocketChannel ch, String path) throws IOException {
        String req = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: boxtrace\r\nAccept: application/json\r\n\r\n";
        var buf = java.nio.ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
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
            return new ChunkedInputStream(in).readAllBytes();
        }
        String len = headers.get("content-length");
        if (len == null) {
            return in.readAllBytes();
        }
        int n;
        try {
            n = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + abbreviate(len));
        }
        if (n < 0 || n > MAX_BODY_BYTES) {
            throw new IOException("Content-Length out of range: " + n);
        }
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
            throw new IOException("response cut short: " + body.length + " of " + n + " bytes");
        }
        return body;
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
