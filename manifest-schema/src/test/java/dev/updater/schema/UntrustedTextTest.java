package dev.updater.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class UntrustedTextTest {
    private static boolean unsafeShown(String shown) {
        return shown.chars().anyMatch(c -> UntrustedText.isUnsafe((char) c));
    }

    @Property
    void nothingUnsafeSurvivesAnyEscaper(@ForAll String text) {
        assertFalse(unsafeShown(UntrustedText.escape(text)));
        assertFalse(unsafeShown(UntrustedText.escapeAll(text)));
        assertFalse(unsafeShown(UntrustedText.quoteLong(text)));
    }

    @Test
    void formatCharactersAndSeparatorsAreUnsafeLettersAreNot() {
        for (char c : "\u0000\n\r\u001b\u007f\u0085\u009b\u200b\u200e\u202e\u2066\u2028\u2029\ufeff".toCharArray()) {
            assertTrue(UntrustedText.isUnsafe(c), () -> String.format("U+%04X", (int) c));
        }
        for (char c : "a\u00e9\u6f22 '\\\u05d0".toCharArray()) {
            assertFalse(UntrustedText.isUnsafe(c), () -> String.format("U+%04X", (int) c));
        }
        assertEquals("a\\u001b[2Kb\\u202e", UntrustedText.escapeAll("a\u001b[2Kb\u202e"));
    }

    @Test
    void everyFailureMessageIsEscapedOnceWhereItIsMade() {
        UpdaterException e = new ManifestFormatException("field", "a\nforged line\u001b[1A");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    }

    @Test
    void displayJsonKeepsTheValueButNotTheRawBytes() {
        String hostile = "x\n\u007f\u0085\u202e\u2028y\ud83d\ude00";
        var node = Json.object().put("v", hostile);
        String shown = new String(Json.writeForDisplay(node), StandardCharsets.UTF_8);
        assertFalse(unsafeShown(shown), shown);
        assertTrue(shown.toLowerCase(java.util.Locale.ROOT).contains("\\u007f\\u0085\\u202e\\u2028y"), shown);
        assertEquals(hostile, Json.parse(shown.getBytes(StandardCharsets.UTF_8), "shown").get("v").asText());
        assertTrue(new String(Json.write(node), StandardCharsets.UTF_8).contains("\u202e"),
                "signed and digested documents keep their exact characters");
    }
}
