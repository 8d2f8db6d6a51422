package dev.updater.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.tuf.Metadata;
import dev.updater.schema.tuf.Root;
import dev.updater.schema.tuf.Timestamp;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.StoreReference;
import dev.updater.tuf.OciTrustMirror;
import dev.updater.tuf.RepositoryPublisher;
import dev.updater.tuf.TufSigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code update trust}: the publisher side of TUF over a plain repository directory. */
@Command(name = "trust",
        mixinStandardHelpOptions = true,
        description = {
            "Publish TUF (The Update Framework) trust metadata: roles, keys, thresholds, expiry.",
            "",
            "With --registry REF the metadata lives in the release repository itself, as tags tuf-root.N, "
                    + "tuf-timestamp, ... (any registry, or an oci: layout), and --repo DIR is only a working copy; "
                    + "'update push --trust-keys KEYS' then lists each release in the signed targets, and devices "
                    + "that ran 'update trust bootstrap' resolve versions and channels through them, never through "
                    + "tags. Without --registry it writes a plain repository directory: DIR/metadata/ (N.root.json, "
                    + "timestamp.json, N.snapshot.json, N.targets.json) and DIR/targets/ (HASH.name), ready to serve "
                    + "over HTTP and to read with 'update tuf-client'.",
            "",
            "Keys are unencrypted PEM PKCS#8 files in --keys DIR: root.pem (root-2.pem ... with --root-keys), "
                    + "targets.pem, snapshot.pem, timestamp.pem. Keep root keys offline; only timestamp.pem is "
                    + "needed by a scheduled job. Default expiries: timestamp 1d, snapshot 7d, targets 90d, root 1y.",
            ""},
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  update trust init --repo ./repo --keys ./keys",
            "  update trust add-target --repo ./repo --keys ./keys app-1.0.tar=./build/app.tar",
            "  update trust timestamp --repo ./repo --keys ./keys        # e.g. hourly in CI",
            "  update trust rotate --repo ./repo --keys ./keys --role timestamp",
            "  update trust rotate --repo ./repo --keys ./keys --role root --stage \\",
            "      --new-key /media/usb1/root-new.pem",
            "  update trust sign-root --repo ./repo --keys ./keys --key /media/usb2/root.pem",
            "  update trust timestamp --repo ./repo --keys ./keys --timestamp-key ./keys/timestamp-v2.pem",
            "",
            "In the release repository itself (tags tuf-root.N, tuf-timestamp, ...; ./work is a working copy):",
            "  update trust init --registry registry.example.com/acme/app --repo ./work --keys ./keys",
            "  update push registry.example.com/acme/app --version 1.2.0 --target linux-amd64=app \\",
            "      --channel stable --trust-keys ./keys",
            "  update trust timestamp --registry registry.example.com/acme/app --repo ./work --keys ./keys",
            "  update trust bootstrap ./work/metadata/1.root.json --install-root /opt/app   # on the device"},
        subcommands = {
            TrustCommand.Init.class,
            TrustCommand.Rotate.class,
            TrustCommand.TimestampCommand.class,
            TrustCommand.AddTarget.class,
            TrustCommand.SignRoot.class,
            TrustBootstrapCommand.class,
        })
final class TrustCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class RepositoryOptions {
        @Spec
        CommandSpec spec;

        @Option(names = "--repo", required = true, paramLabel = "DIR", description = "The repository directory "
                + "(with --registry: the working copy).")
        Path repo;

        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "Directory of the key files.")
        Path keys;

        @Option(names = "--registry", paramLabel = "REF", description = "Publish the metadata in this release "
                + "repository (host[:port]/repo or oci:PATH) as tags tuf-<role>[.<version>]; --repo DIR is then a "
                + "working copy, refreshed from the repository before and pushed to it after each command.")
        String registry;

        @Mixin
        StoreOptions store;

        @Mixin
        OutputOptions output;

        /** What the command said, also carried in its --json result as "messages". */
        private final List<String> messages = new ArrayList<>();

        RepositoryPublisher publisher() {
            return new RepositoryPublisher(repo, Clock.systemUTC());
        }

        /** Runs a publisher operation on --repo, or with --registry on a working copy mirrored to that repository. */
        <T> T publish(Function<RepositoryPublisher, T> operation) {
            if (registry == null) return operation.apply(publisher());
            StoreReference ref = store.parse(registry);
            if (ref.manifestReference().isPresent()) {
                throw new UsageException("--registry takes a repository without tag or digest: " + registry);
            }
            try (ReleaseStore s = store.openForPush(ref)) {
                return OciTrustMirror.publish(s, repo, Clock.systemUTC(), operation);
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** A human line: printed unless --json or -q, and kept for the --json result. */
        void say(String line) {
            messages.add(line);
            output.say(out(), line);
        }

        /** Prints the --json result: the command's own fields, then what it said. */
        int done(ObjectNode result) {
            result.put("command", "trust " + spec.name());
            result.putArray("messages").addAll(messages.stream()
                    .map(m -> (com.fasterxml.jackson.databind.JsonNode) dev.updater.schema.Json.mapper()
                            .getNodeFactory().textNode(m)).toList());
            output.result(out(), result);
            return ExitCode.OK;
        }

        TufSigningKey key(Optional<Path> explicit, String name) {
            return TufSigningKey.read(explicit.orElse(keys.resolve(name + ".pem")));
        }

        /** Reads the key file, or creates it with a new Ed25519 key when it does not exist yet. */
        TufSigningKey readOrCreate(Path file) {
            if (Files.exists(file)) return TufSigningKey.read(file);
            TufSigningKey created = TufSigningKey.generateEd25519();
            created.write(file);
            say("created key " + file + " (" + created.keyId().substring(0, 12) + ")");
            return created;
        }

        List<TufSigningKey> rootKeysIn(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.getFileName().toString().matches("root(-[0-9]+)?\\.pem"))
                        .sorted().map(TufSigningKey::read).toList();
            } catch (IOException e) {
                throw new UsageException("cannot list key directory " + dir + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create version 1 of root, targets (empty), snapshot and timestamp.",
                "Missing key files are created (Ed25519); existing ones are used.",
                "Devices pin DIR/metadata/1.root.json."})
    static final class Init extends RepositoryOptions implements Callable<Integer> {
        @Option(names = "--root-keys", paramLabel = "N", defaultValue = "1", description = "Number of root keys "
                + "(default: ${DEFAULT-VALUE}).")
        int rootKeys;

        @Option(names = "--root-threshold", paramLabel = "M", defaultValue = "1", description = "How many root keys"
                + " must sign a root version (default: ${DEFAULT-VALUE}).")
        int rootThreshold;

        @Override
        public Integer call() {
            if (rootKeys < 1 || rootThreshold < 1 || rootThreshold > rootKeys) {
                throw new UsageException("--root-threshold must be between 1 and --root-keys");
            }
            List<TufSigningKey> root = new ArrayList<>();
            for (int i = 1; i <= rootKeys; i++) root.add(readOrCreate(keys.resolve(i == 1 ? "root.pem" : "root-" + i + ".pem")));
            TufSigningKey targets = readOrCreate(keys.resolve("targets.pem"));
            TufSigningKey snapshot = readOrCreate(keys.resolve("snapshot.pem"));
            TufSigningKey timestamp = readOrCreate(keys.resolve("timestamp.pem"));
            RepositoryPublisher publisher = publish(p -> {
                p.init(root, rootThreshold, targets, snapshot, timestamp);
                return p;
            });
            Path pinned = publisher.metadataDir().resolve("1.root.json");
            say("trust initialised in " + (registry != null ? registry + " (working copy "
                    + publisher.metadataDir() + ")" : publisher.metadataDir().toString()) + "; devices pin " + pinned
                    + (registry != null ? " ('update trust bootstrap')" : " ('update tuf-client init')"));
            ObjectNode n = dev.updater.schema.Json.object();
            n.put("metadataDir", publisher.metadataDir().toAbsolutePath().toString());
            n.put("pinnedRoot", pinned.toAbsolutePath().toString());
            if (registry != null) n.put("registry", registry);
            return done(n);
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Write the next root version with new keys for one role.",
                "It is signed by the current root keys and, for --role root, the new ones; it is",
                "written only if clients will accept it (both thresholds met), or staged (--stage)."})
    static final class Rotate extends RepositoryOptions implements Callable<Integer> {
        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "root, targets, snapshot or timestamp.")
        String role;

        @Option(names = "--new-key", paramLabel = "FILE", description = "New key file of the role (repeatable; "
                + "created if missing). Default: KEYS/ROLE-vN.pem, created.")
        List<Path> newKeys = new ArrayList<>();

        @Option(names = "--threshold", paramLabel = "N", defaultValue = "1",
                description = "Threshold of the role after rotation (default: ${DEFAULT-VALUE}).")
        int threshold;

        @Option(names = "--root-key", paramLabel = "FILE", description = "Current root key to sign with "
                + "(repeatable). Default: every KEYS/root*.pem.")
        List<Path> rootKeyFiles = new ArrayList<>();

        @Option(names = "--stage", description = "Root keys are offline: write the new root to DIR/staged/ signed "
                + "only by the --root-key/--new-key files given; add signatures with 'update trust sign-root'.")
        boolean stage;

        @Override
        public Integer call() {
            if (!List.of("root", "targets", "snapshot", "timestamp").contains(role)) {
                throw new UsageException("--role must be root, targets, snapshot or timestamp, not '" + role + "'");
            }
            return publish(this::rotateWith);
        }

        private Integer rotateWith(RepositoryPublisher publisher) {
            long next = publisher.currentRoot().signed().version() + 1;
            List<Path> files = newKeys.isEmpty() ? List.of(keys.resolve(role + "-v" + next + ".pem")) : newKeys;
            List<TufSigningKey> created = files.stream().map(this::readOrCreate).toList();
            List<TufSigningKey> signers = new ArrayList<>(rootKeyFiles.isEmpty() && !stage
                    ? rootKeysIn(keys) : rootKeyFiles.stream().map(TufSigningKey::read).toList());
            if (role.equals("root")) signers.addAll(created);
            List<dev.updater.schema.tuf.Key> publicKeys = created.stream().map(TufSigningKey::publicKey).toList();
            if (stage) {
                RepositoryPublisher.RootSigningStatus status = publisher.stageRotation(role, publicKeys, threshold,
                        signers);
                say(status.describe() + (status.complete() ? "; published"
                        : "; staged, sign with: update trust sign-root --repo " + repo + " --keys " + keys
                                + " --key FILE"));
                ObjectNode n = dev.updater.schema.Json.object();
                n.put("role", role);
                n.put("staged", !status.complete());
                n.put("published", status.complete());
                return done(n);
            }
            Metadata<Root> root = publisher.rotate(role, publicKeys, threshold, signers);
            say("wrote root version " + root.signed().version() + " with new " + role + " key(s)");
            if (role.equals("timestamp") || role.equals("snapshot")) {
                say("next: update trust timestamp --repo " + repo + " --keys " + keys + " --"
                        + role + "-key " + files.get(0));
            }
            ObjectNode n = dev.updater.schema.Json.object();
            n.put("role", role);
            n.put("rootVersion", root.signed().version());
            n.put("published", true);
            return done(n);
        }
    }

    @Command(name = "timestamp", mixinStandardHelpOptions = true,
            description = {"Re-sign timestamp (next version) for a scheduled job.",
                "It points at the current snapshot; with --snapshot, a new snapshot version is",
                "published first. Devices refuse updates once the timestamp has expired."})
    static final class TimestampCommand extends RepositoryOptions implements Callable<Integer> {
        @Option(names = "--timestamp-key", paramLabel = "FILE", description = "Default: KEYS/timestamp.pem.")
        Optional<Path> timestampKey;

        @Option(names = "--snapshot", description = "Also re-sign snapshot (with KEYS/snapshot.pem).")
        boolean snapshot;

        @Option(names = "--snapshot-key", paramLabel = "FILE", description = "Re-sign snapshot with this key.")
        Optional<Path> snapshotKey;

        @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "1d",
                description = "Validity of the new timestamp: 30m, 12h, 1d, or ISO-8601 (default: ${DEFAULT-VALUE}).")
        String expires;

        @Override
        public Integer call() {
            Optional<TufSigningKey> snapshotSigner = snapshot || snapshotKey.isPresent()
                    ? Optional.of(key(snapshotKey, "snapshot")) : Optional.empty();
            TufSigningKey timestampSigner = key(timestampKey, "timestamp");
            Duration validity = parseDuration(expires);
            Metadata<Timestamp> timestamp = publish(p -> p.timestamp(timestampSigner, snapshotSigner, validity));
            say("timestamp version " + timestamp.signed().version() + " valid until "
                    + timestamp.signed().expires());
            ObjectNode n = dev.updater.schema.Json.object();
            n.put("timestampVersion", timestamp.signed().version());
            n.put("expires", timestamp.signed().expires().toString());
            return done(n);
        }
    }

    @Command(name = "add-target", mixinStandardHelpOptions = true,
            description = {"Add files as targets, then publish new snapshot and timestamp versions.",
                "Each file is copied to DIR/targets/ under its hash and listed with its length and",
                "sha256 in a new targets version."})
    static final class AddTarget extends RepositoryOptions implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "PATH=FILE", description = "Target path and the file to publish.")
        List<String> targets;

        @Override
        public Integer call() {
            if (registry != null) {
                throw new UsageException("with --registry the targets are releases: list one with 'update push "
                        + "REF --trust-keys " + keys + " ...'");
            }
            return publish(this::addWith);
        }

        private Integer addWith(RepositoryPublisher publisher) {
            Map<String, ObjectNode> entries = new LinkedHashMap<>();
            for (String spec : targets) {
                int eq = spec.indexOf('=');
                if (eq <= 0) throw new UsageException("expected PATH=FILE, got '" + spec + "'");
                Path file = Path.of(spec.substring(eq + 1));
                try {
                    entries.put(spec.substring(0, eq), publisher.storeTargetFile(spec.substring(0, eq),
                            Files.readAllBytes(file)));
                } catch (IOException e) {
                    throw new UsageException("cannot read " + file + ": " + e.getMessage());
                }
            }
            publisher.addTargets(entries, key(Optional.empty(), "targets"), key(Optional.empty(), "snapshot"),
                    key(Optional.empty(), "timestamp"));
            say("added " + entries.size() + " target(s)");
            ObjectNode n = dev.updater.schema.Json.object();
            entries.keySet().forEach(n.putArray("targets")::add);
            return done(n);
        }
    }

    @Command(name = "sign-root", mixinStandardHelpOptions = true,
            description = {"Sign the staged root version (from 'rotate --stage') with offline root keys.",
                "Run once per key, on any machine holding the staged file; the root is published",
                "once the thresholds of the current and the new root are both met."})
    static final class SignRoot extends RepositoryOptions implements Callable<Integer> {
        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Root key file (repeatable).")
        List<Path> keyFiles = new ArrayList<>();

        @Override
        public Integer call() {
            List<TufSigningKey> signers = keyFiles.stream().map(TufSigningKey::read).toList();
            RepositoryPublisher.RootSigningStatus status = publish(p -> p.signStagedRoot(signers));
            say(status.describe() + (status.complete() ? "; published" : "; still staged"));
            ObjectNode n = dev.updater.schema.Json.object();
            n.put("published", status.complete());
            return done(n);
        }
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            };
            if (d.isNegative() || d.isZero()) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new UsageException("not a duration: '" + text + "' (use 30m, 12h, 1d or ISO-8601 such as PT6H)");
        }
    }
}
