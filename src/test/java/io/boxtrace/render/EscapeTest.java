package io.boxtrace.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one escaper: every character a terminal acts on or hides becomes a visible escape, the rest stays. */
class EscapeTest {

    @Test
    void controlCharactersBecomeVisible() {
        assertThat(Escape.text("a\u001b]0;pwned\u0007\u001b[2Jb")).isEqualTo("a\\x1b]0;pwned\\x07\\x1b[2Jb");
        assertThat(Escape.text("a\nFAKE\r\tb\u0000")).isEqualTo("a\\x0aFAKE\\x0d\\x09b\\x00");
        assertThat(Escape.text("del\u007f c1\u009b")).isEqualTo("del\\x7f c1\\x9b");
    }

    @Test
    void invisibleUnicodeFormattingBecomesVisible() {
        // bidi overrides and isolates, zero-width characters, line/paragraph separators, BOM, soft hyphen
        for (char c : new char[] {'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068',
                '\u2069', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2028', '\u2029', '\ufeff', '\u00ad',
                '\u061c', '\u2060'}) {
            String escaped = Escape.text("x" + c + "y");
            assertThat(escaped).as("U+%04x", (int) c).doesNotContain(String.valueOf(c)).startsWith("x\\").endsWith("y");
        }
        assertThat(Escape.text("evil\u202egnp.exe")).isEqualTo("evil\\u202egnp.exe");
    }

    @Test
    void unpairedSurrogatesAndTagCharactersAreEscapedButPrintableTextStays() {
        assertThat(Escape.text("a\udc80b")).isEqualTo("a\\udc80b");
        assertThat(Escape.text("tag\udb40\udc41")).doesNotContain("\udb40\udc41"); // U+E0041, a Cf tag character
        assertThat(Escape.text("grüße 日本 😀 \\x1b")).isEqualTo("grüße 日本 😀 \\x1b");
        assertThat(Escape.text(null)).isEmpty();
    }
}
