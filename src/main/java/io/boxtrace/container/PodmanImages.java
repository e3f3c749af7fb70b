package io.boxtrace.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Podman's local images as its storage library records them on disk (overlay-images/images.json,
 * overlay-layers/layers.json), so no Podman service or CLI is needed: an image's name to the
 * directories of its layers. Stateless: reads the store at every call.
 */
public final class PodmanImages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LAYERS = 128;
    private final Path storage;

    public PodmanImages(Path storage) {
        this.storage = storage;
    }

    public static PodmanImages host() {
        return new PodmanImages(Path.of("/var/lib/containers/storage"));
    }

    /** The layers' diff directories, top first, of the image named ref (or with that id prefix); empty when absent. */
    public Optional<List<Path>> layers(String ref) throws IOException {
        Path images = storage.resolve("overlay-images/images.json");
        Path layers = storage.resolve("overlay-layers/layers.json");
        if (!Files.exists(images) || !Files.exists(layers)) {
            return Optional.empty();
        }
        String top = null;
        for (JsonNode img : JSON.readTree(images.toFile())) {
            boolean named = false;
            for (JsonNode n : img.path("names")) {
                named |= sameImage(n.asText(), ref);
            }
            if (named || (ref.length() >= 12 && img.path("id").asText().startsWith(ref))) {
                top = img.path("layer").asText(null);
                break;
            }
        }
        if (top == null) {
            return Optional.empty();
        }
        Map<String, String> parents = new HashMap<>();
        for (JsonNode l : JSON.readTree(layers.toFile())) {
            parents.put(l.path("id").asText(), l.path("parent").asText(null));
        }
        List<Path> out = new ArrayList<>();
        for (String id = top; id != null && out.size() < MAX_LAYERS; id = parents.get(id)) {
            if (!id.matches("[0-9a-f]{64}")) {
                throw new IOException("podman's layer store holds an unexpected layer id");
            }
            out.add(storage.resolve("overlay").resolve(id).resolve("diff"));
        }
        return Optional.of(out);
    }

    /** Podman's full names (localhost/x:latest, docker.io/library/x:latest) against what a user types. */
    static boolean sameImage(String full, String ref) {
        String withTag = ref.contains(":") && ref.lastIndexOf(':') > ref.lastIndexOf('/') || ref.contains("@")
                ? ref : ref + ":latest";
        String bare = withTag.startsWith("docker.io/") ? withTag.substring("docker.io/".length()) : withTag;
        return full.equals(ref) || full.equals(withTag) || full.equals("localhost/" + withTag)
                || full.equals("docker.io/" + bare) || full.equals("docker.io/library/" + bare);
    }
}
