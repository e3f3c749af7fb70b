package io.boxtrace.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Podman's containers as its storage library records them on disk (containers.json under the
 * storage root), for hosts where no Podman API service runs, which is the default. Re-read when
 * an id is missing and the file changed. Not thread-safe (pipeline thread).
 */
public final class PodmanStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private Map<String, ContainerMeta> byId = Map.of();
    private long readMtime = -1;

    public PodmanStore(Path file) {
        this.file = file;
    }

    public static PodmanStore host() {
        return new PodmanStore(Path.of("/var/lib/containers/storage/overlay-containers/containers.json"));
    }

    public Optional<ContainerMeta> lookup(String id) {
        ContainerMeta m = byId.get(id);
        if (m == null && reloadIfChanged()) {
            m = byId.get(id);
        }
        return Optional.ofNullable(m);
    }

    /** Every container in the store, running or not; which run is seen in /proc, not here. */
    public java.util.Collection<ContainerMeta> all() {
        reloadIfChanged();
        return byId.values();
    }

    private boolean reloadIfChanged() {
        try {
            long mtime = Files.getLastModifiedTime(file).toMillis();
            if (mtime == readMtime) {
                return false;
            }
            byId = parse(Files.readAllBytes(file));
            readMtime = mtime;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** [{"id","names":[..],"image","metadata":"{\"image-name\":..,\"name\":..}"}] */
    static Map<String, ContainerMeta> parse(byte[] json) throws IOException {
        Map<String, ContainerMeta> out = new HashMap<>();
        JsonNode arr = JSON.readTree(json);
        for (JsonNode c : arr) {
            String id = c.path("id").asText(null);
            if (id == null) {
                continue;
            }
            String name = c.path("names").path(0).asText(null);
            String image = null;
            String metadata = c.path("metadata").asText(null);
            if (metadata != null) {
                try {
                    JsonNode md = JSON.readTree(metadata);
                    image = md.path("image-name").asText(null);
                    name = name != null ? name : md.path("name").asText(null);
                } catch (IOException ignored) {
                    // metadata is advisory; the id and names still count
                }
            }
            out.put(id, new ContainerMeta(id, name, image, Map.of()));
        }
        return out;
    }
}
