package dev.updater.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON Schema and the strict parser agree on the SPEC.md examples and on broken variants of them. */
class UpdateManifestSchemaTest {
    static JsonSchema schema;
    static JsonNode specExample;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = UpdateManifest.class.getResourceAsStream("update-manifest.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        String spec = Files.readString(Path.of("SPEC.md"));
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(spec);
        assertTrue(m.find(), "SPEC.md has a JSON example");
        specExample = Json.mapper().readTree(m.group(1));
    }

    private static Set<ValidationMessage> validate(JsonNode node) {
        return schema.validate(node);
    }

    @Test
    void specExampleIsValidForSchemaAndParser() {
        assertEquals(Set.of(), validate(specExample));
        UpdateManifest parsed = UpdateManifest.parse(Json.write(specExample));
        assertEquals("2.1.0-rc.1", parsed.version().toString());
        assertEquals(Set.of("esp32-v4.2", "linux-amd64"), parsed.targets().keySet());
    }

    @Test
    void serialisedManifestsAreSchemaValidAndRoundTrip() {
        UpdateManifest parsed = UpdateManifest.parse(Json.write(specExample));
        byte[] bytes = parsed.toBytes();
        assertEquals(Set.of(), validate(Json.parse(bytes, "x")));
        assertEquals(parsed, UpdateManifest.parse(bytes));
    }

    private static void assertBroken(String field, Consumer<ObjectNode> breakIt) {
        ObjectNode copy = specExample.deepCopy();
        breakIt.accept(copy);
        assertFalse(validate(copy).isEmpty(), "schema must reject a broken " + field);
        ManifestFormatException e = assertThrows(ManifestFormatException.class,
                () -> UpdateManifest.parse(Json.write(copy)));
        assertEquals(field, e.field(), e.getMessage());
    }

    private static ObjectNode target(ObjectNode root) {
        return (ObjectNode) root.get("targets").get("esp32-v4.2");
    }

    @Test
    void brokenManifestsAreRejectedByBothWithTheFieldNamed() {
        assertBroken("schemaVersion", n -> n.put("schemaVersion", 2));
        assertBroken("mediaType", n -> n.put("mediaType", "application/json"));
        assertBroken("version", n -> n.put("version", "1.0"));
        assertBroken("version", n -> n.remove("version"));
        assertBroken("updateId", n -> n.put("updateId", "not-a-uuid"));
        assertBroken("created", n -> n.put("created", "yesterday"));
        assertBroken("product", n -> n.put("product", "Has Spaces"));
        assertBroken("surprise", n -> n.put("surprise", true));
        assertBroken("targets", n -> n.putObject("targets"));
        assertBroken("targets.esp32-v4.2.digest", n -> target(n).put("digest", "sha256:abc"));
        assertBroken("targets.esp32-v4.2.digest", n -> target(n).put("digest", "md5:"
                + "0".repeat(32)));
        assertBroken("targets.esp32-v4.2.size", n -> target(n).put("size", -1));
        assertBroken("targets.esp32-v4.2.fileName", n -> target(n).put("fileName", "../etc/passwd"));
        assertBroken("targets.esp32-v4.2.fileMode", n -> target(n).put("fileMode", "rwx"));
        assertBroken("targets.esp32-v4.2.extra", n -> target(n).put("extra", 1));
        assertBroken("channels[0]", n -> n.putArray("channels").add("bad tag!"));
    }

    @Test
    void oversizedAndDuplicateKeyDocumentsAreRefused() {
        byte[] huge = new byte[UpdateManifest.MAX_BYTES + 1];
        assertEquals("$", assertThrows(ManifestFormatException.class, () -> UpdateManifest.parse(huge)).field());
        String dup = new String(Json.write(specExample), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"version\":\"9.9.9\",");
        ManifestFormatException e = assertThrows(ManifestFormatException.class,
                () -> UpdateManifest.parse(dup.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("Duplicate"), e.getMessage());
    }

    @Test
    void releaseManifestExampleInSpecParses() throws Exception {
        String spec = Files.readString(Path.of("SPEC.md"));
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(spec);
        List<String> examples = m.results().map(r -> r.group(1)).toList();
        ImageManifest release = ImageManifest.parse(examples.get(1).getBytes(StandardCharsets.UTF_8));
        assertEquals(MediaTypes.UPDATE_MANIFEST, release.artifactType().orElseThrow());
        assertEquals(MediaTypes.UPDATE_MANIFEST, release.config().mediaType());
        assertEquals(2, release.layers().size());
    }
}
