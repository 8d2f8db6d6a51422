package dev.updater.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One PEM block: its label ("PUBLIC KEY", "ENCRYPTED SIGSTORE PRIVATE KEY", ...) and its decoded bytes. */
record Pem(String label, byte[] der) {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    /** Reads the first PEM block of a file; anything that is not PEM is refused with what it looked like. */
    static Pem parse(byte[] file, String source) {
        String text = new String(file, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new KeyFileException(source, "not a PEM key file (no '-----BEGIN ...-----' / '-----END ...-----'"
                    + " block found)");
        }
        String body = m.group(2);
        if (body.contains(":")) {
            // RFC 1421 headers (Proc-Type, DEK-Info) mean OpenSSL's legacy encryption, which cosign does not use.
            throw new KeyFileException(source, "PEM block '" + m.group(1) + "' has encryption headers (legacy"
                    + " OpenSSL format); re-export the key as PKCS#8 or import it with 'cosign import-key-pair'");
        }
        try {
            return new Pem(m.group(1), Base64.getMimeDecoder().decode(body.replaceAll("\\s", "")));
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(source, "PEM block '" + m.group(1) + "' is not valid base64", e);
        }
    }

    /** Encodes as Go's encoding/pem does: 64 characters a line, trailing newline. */
    static byte[] encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
