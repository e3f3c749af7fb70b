package io.boxtrace.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Docker Engine API (also served by Podman's compatible socket) over its Unix socket: API
 * version negotiation, container inspect, and the /events stream. Thread-safe: every call opens
 * its own connection.
 */
public final class DockerClient {

    /** The newest API version boxtrace speaks; older daemons are spoken to in their own. */
    static final String MAX_API = "1.43";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    private final UnixHttp http;
    private volatile String version;

    public DockerClient(Path socket) {
        this(socket, UnixHttp.TIMEOUT_MS);
    }

    /** A client whose connect, write and read each give up after timeoutMs without progress. */
    public DockerClient(Path socket, long timeoutMs) {
        this(socket, timeoutMs, Math.max(timeoutMs, UnixHttp.TOTAL_MS));
    }

    /** As above, and a whole request (connect to last byte) gives up after totalMs. */
    DockerClient(Path socket, long timeoutMs, long totalMs) {
        this.socket = socket;
        this.http = new UnixHttp(socket, timeoutMs, totalMs);
    }

    /** DOCKER_HOST when it names a unix:// socket, else /var/run/docker.sock. */
    public static Path defaultSocket() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && host.startsWith("unix://")) {
            return Path.of(host.substring("unix://".length()));
        }
        return Path.of("/var/run/docker.sock");
    }

    public Path socket() {
        return socket;
    }

    /** Pings the daemon and settles the API version: the daemon's, capped at {@link #MAX_API}. */
    public String negotiate() throws RuntimeUnavailableException {
        String v = version;
        if (v != null) {
            return v;
        }
        UnixHttp.Response r = call("/_ping");
        if (r.status() != 200) {
            throw new RuntimeUnavailableException("Docker at " + socket + " answered HTTP " + r.status() + " to /_ping");
        }
        String server = r.headers().getOrDefault("api-version", MAX_API);
        v = compare(server, MAX_API) < 0 ? server : MAX_API;
        version = v;
        return v;
    }

    /** The container's metadata, or empty when the daemon does not know it (404). */
    public Optional<ContainerMeta> inspect(String id) throws RuntimeUnavailableException {
        String v = negotiate();
        UnixHttp.Response r = call("/v" + v + "/containers/" + id + "/json");
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() != 200) {
            throw new RuntimeUnavailableException("Docker answered HTTP " + r.status() + " to inspect " + id);
        }
        try {
            JsonNode n = JSON.readTree(r.body());
            return Optional.of(new ContainerMeta(n.path("Id").asText(id), stripSlash(n.path("Name").asText(null)),
                    n.path("Config").path("Image").asText(null), labels(n.path("Config").path("Labels"))));
        } catch (IOException e) {
            throw new RuntimeUnavailableException("Docker sent a malformed inspect response for " + id);
        }
    }

    /** Every container the daemon has, running or not (for telling "not running" from "no such container"). */
    public java.util.List<RuntimeContainer> listAll() throws RuntimeUnavailableException {
        JsonNode arr = getJson("/containers/json?all=1", "list containers");
        java.util.List<RuntimeContainer> out = new java.util.ArrayList<>();
        for (JsonNode n : arr) {
            String name = stripSlash(n.path("Names").path(0).asText(null));
            out.add(new RuntimeContainer(n.path("Id").asText(), name, "docker", n.path("State").asText().equals("running")));
        }
        return out;
    }

    /** The host pid of the container's main process (State.Pid), or 0 when it is not running or unknown. */
    public int mainPid(String id) throws RuntimeUnavailableException {
        JsonNode n = getJson("/containers/" + id + "/json", "inspect " + id);
        return n == null ? 0 : n.path("State").path("Pid").asInt(0);
    }

    /**
     * The directories of a local image's layers, top first, when the storage driver is overlay2
     * (UpperDir, then LowerDir's colon-separated list); empty when the daemon has no such image.
     *
     * @throws RuntimeUnavailableException also when the image is stored by another driver
     */
    public Optional<java.util.List<Path>> imageLayers(String ref) throws RuntimeUnavailableException {
        JsonNode n = getJson("/images/" + java.net.URLEncoder.encode(ref, java.nio.charset.StandardCharsets.UTF_8)
                .replace("%2F", "/").replace("%3A", ":").replace("%40", "@") + "/json", "inspect image " + ref);
        if (n == null) {
            return Optional.empty();
        }
        JsonNode gd = n.path("GraphDriver");
        if (!gd.path("Name").asText().equals("overlay2")) {
            throw new RuntimeUnavailableException("Docker stores " + ref + " with the " + gd.path("Name").asText("unknown")
                    + " driver; only overlay2 layers can be used");
        }
        java.util.List<Path> layers = new java.util.ArrayList<>();
        String upper = gd.path("Data").path("UpperDir").asText("");
        if (!upper.isEmpty()) {
            layers.add(Path.of(upper));
        }
        for (String l : gd.path("Data").path("LowerDir").asText("").split(":")) {
            if (!l.isEmpty()) {
                layers.add(Path.of(l));
            }
        }
        return Optional.of(layers);
    }

    /** GET of a versioned path as JSON; null on 404. */
    private JsonNode getJson(String path, String what) throws RuntimeUnavailableException {
        String v = negotiate();
        UnixHttp.Response r = call("/v" + v + path);
        if (r.status() == 404) {
            return null;
        }
        if (r.status() != 200) {
            throw new RuntimeUnavailableException("Docker answered HTTP " + r.status() + " to " + what);
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new RuntimeUnavailableException("Docker sent a malformed answer to " + what);
        }
    }

    /**
     * An image's layer directories as the graph driver names them: {@code GraphDriver.Data.UpperDir}
     * and {@code LowerDir} (colon-separated) of the image inspect answer, as given; empty for a 404.
     */
    public Optional<String[]> imageGraphDirs(String imageId) throws RuntimeUnavailableException {
        String v = negotiate();
        UnixHttp.Response r = call("/v" + v + "/images/" + imageId + "/json");
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() != 200) {
            throw new RuntimeUnavailableException("Docker answered HTTP " + r.status() + " to image inspect " + imageId);
        }
        try {
            JsonNode d = JSON.readTree(r.body()).path("GraphDriver").path("Data");
            return Optional.of(new String[] {d.path("UpperDir").asText(""), d.path("LowerDir").asText("")});
        } catch (IOException e) {
            throw new RuntimeUnavailableException("Docker sent a malformed image inspect response for " + imageId);
        }
    }

    /**
     * Streams container events until the connection ends, calling onMeta with the name and image
     * the event carries (so short-lived containers are known after they are gone). Blocks.
     */
    public void events(Consumer<ContainerMeta> onMeta, Consumer<String> onDie) throws RuntimeUnavailableException {
        String v = negotiate();
        try {
            http.stream("/v" + v + "/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D", line -> {
                if (line.isBlank()) {
                    return;
                }
                try {
                    JsonNode n = JSON.readTree(line);
                    String id = n.path("Actor").path("ID").asText(n.path("id").asText(null));
                    JsonNode attrs = n.path("Actor").path("Attributes");
                    String action = n.path("Action").asText(n.path("status").asText(""));
                    if (id == null) {
                        return;
                    }
                    Map<String, String> labels = new HashMap<>();
                    attrs.fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
                    String name = labels.remove("name");
                    String image = labels.remove("image");
                    onMeta.accept(new ContainerMeta(id, name, image, labels));
                    if (action.equals("die") || action.equals("destroy")) {
                        onDie.accept(id);
                    }
                } catch (IOException ignored) {
                    // one garbled event line: skip it, the stream goes on
                }
            });
        } catch (IOException e) {
            throw new RuntimeUnavailableException("Docker's event stream ended: " + e.getMessage());
        }
    }

    private UnixHttp.Response call(String path) throws RuntimeUnavailableException {
        try {
            return http.get(path);
        } catch (SocketTimeoutException e) {
            throw new RuntimeUnavailableException("Docker at " + socket + " does not answer (" + e.getMessage() + ")");
        } catch (java.io.InterruptedIOException e) {
            // boxtrace stopped waiting (it is ending, or a caller gave up): the daemon had not answered by then
            throw new RuntimeUnavailableException("Docker at " + socket + " had not answered when boxtrace stopped waiting");
        } catch (AccessDeniedException e) {
            throw new RuntimeUnavailableException("permission denied on the Docker socket " + socket);
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage());
            if (!Files.exists(socket)) {
                throw new RuntimeUnavailableException("no Docker socket at " + socket);
            }
            if (m.contains("Permission denied")) {
                throw new RuntimeUnavailableException("permission denied on the Docker socket " + socket);
            }
            if (m.contains("Connection refused")) {
                throw new RuntimeUnavailableException("Docker refused the connection on " + socket + " (is dockerd running?)");
            }
            throw new RuntimeUnavailableException("cannot reach Docker at " + socket + ": " + m);
        } catch (IOException e) {
            if (!Files.exists(socket)) {
                throw new RuntimeUnavailableException("no Docker socket at " + socket);
            }
            throw new RuntimeUnavailableException("bad answer from Docker at " + socket + ": " + e.getMessage());
        }
    }

    private static Map<String, String> labels(JsonNode n) {
        Map<String, String> out = new HashMap<>();
        if (n != null && n.isObject()) {
            n.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        }
        return out;
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    /** Compares dotted versions numerically ("1.9" < "1.41"). */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
