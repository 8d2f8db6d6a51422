package dev.updater.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One configured JSON mapper for documents we sign or digest: duplicate keys are refused (two parsers reading
 * different values from one document is a classic signature bypass), output is compact and in insertion order so
 * the same model always gives the same bytes.
 */
public final class Json {
    /**
     * Built on first use, not when a command builds its result object: making the mapper loads and links a few
     * hundred classes, 40 ms of a call like {@code update patch} that reads no JSON and prints text.
     */
    private static final class Configured {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();

        static {
            MAPPER.getFactory().setStreamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(8 * 1024 * 1024).build());
        }
    }

    private Json() {}

    public static ObjectMapper mapper() {
        return Configured.MAPPER;
    }

    /** An empty object node, from the node factory the mapper uses too (its default). */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Parses a whole document; {@code what} names it in the error ("update manifest", "timestamp.json"). */
    public static JsonNode parse(byte[] bytes, String what) {
        try (JsonParser parser = mapper().createParser(bytes)) {
            JsonNode node = mapper().readTree(parser);
            if (node == null) {
                throw new ManifestFormatException("$", what + " is empty");
            }
            return node;
        } catch (IOException e) {
            throw new ManifestFormatException("$", what + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    public static byte[] write(JsonNode node) {
        try {
            return mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * For JSON shown to people and scripts ({@code --json} lines, the install event log), never for signed or
     * digested documents: additionally escapes what {@link UntrustedText} calls unsafe, so the value is unchanged for a
     * parser but no raw control or bidi character is in the bytes.
     */
    public static byte[] writeForDisplay(JsonNode node) {
        try {
            return mapper().writer().with(DisplayEscapes.INSTANCE).writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writePretty(JsonNode node) {
        try {
            return mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * Jackson escapes C0 controls already; these add DEL, C1, the format characters and the line separators as
     * {@code \}{@code uXXXX}: the same value for a parser, but no raw unsafe character for a terminal or log viewer.
     */
    private static final class DisplayEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        static final DisplayEscapes INSTANCE = new DisplayEscapes();
        private final int[] asciiEscapes = CharacterEscapes.standardAsciiEscapesForJSON();

        private DisplayEscapes() {
            asciiEscapes[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return asciiEscapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // null keeps the character; Jackson asks for every non-ASCII character
            return ch <= 0xffff && UntrustedText.isUnsafe((char) ch)
                    ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
