package dev.updater.signing;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a key password comes from, in this order: a password file, the {@code UPDATE_PASSWORD} environment
 * variable, a prompt on the terminal. Never a command-line argument (other users can read those in the process
 * list), and never printed.
 */
public final class Passwords {
    public static final String ENVIRONMENT_VARIABLE = "UPDATE_PASSWORD";

    private Passwords() {}

    /**
     * A supplier asking in the order above. With {@code confirm} a terminal prompt asks twice and refuses a
     * mismatch (used when creating a key, where a typo would lock the key away for good).
     */
    public static CosignKeyFiles.PasswordSupplier from(Optional<Path> passwordFile, Optional<String> environmentValue,
            Optional<Console> console, String keyDescription, boolean confirm) {
        return () -> {
            if (passwordFile.isPresent()) {
                return readPasswordFile(passwordFile.get());
            }
            if (environmentValue.isPresent()) {
                return environmentValue.get().toCharArray();
            }
            if (console.isPresent()) {
                return prompt(console.get(), keyDescription, confirm);
            }
            throw new PasswordException("a password is needed for " + keyDescription + ": set " + ENVIRONMENT_VARIABLE
                    + ", pass --password-file FILE, or run on a terminal to be asked");
        };
    }

    /** The process's own sources: {@code System.getenv} and {@code System.console()}. */
    public static CosignKeyFiles.PasswordSupplier fromProcess(Optional<Path> passwordFile, String keyDescription,
            boolean confirm) {
        return from(passwordFile, Optional.ofNullable(System.getenv(ENVIRONMENT_VARIABLE)),
                Optional.ofNullable(System.console()), keyDescription, confirm);
    }

    /** A password file is read with a cap, so a wrong path (a device, a huge file) fails fast. */
    private static final int MAX_PASSWORD_FILE = 64 * 1024;

    static char[] readPasswordFile(Path file) {
        String text;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_PASSWORD_FILE + 1);
            if (bytes.length > MAX_PASSWORD_FILE) {
                throw new PasswordException("the password file " + file + " is over " + MAX_PASSWORD_FILE
                        + " bytes: is it the right file?");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PasswordException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
        // Files written with echo end in a newline that is not part of the password.
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.toCharArray();
    }

    private static char[] prompt(Console console, String keyDescription, boolean confirm) {
        char[] first = console.readPassword("Password for %s: ", keyDescription);
        if (first == null) {
            throw new PasswordException("no password entered (end of input)");
        }
        if (confirm) {
            char[] second = console.readPassword("Repeat the password: ");
            boolean same = second != null && Arrays.equals(first, second);
            if (second != null) {
                Arrays.fill(second, '\0');
            }
            if (!same) {
                Arrays.fill(first, '\0');
                throw new PasswordException("the two passwords differ; nothing was written");
            }
        }
        return first;
    }
}
