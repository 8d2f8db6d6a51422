package dev.updater.registry;

import dev.updater.registry.layout.OciLayoutStore;
import dev.updater.registry.remote.RegistryCredentials;
import dev.updater.registry.remote.RegistryHttp;
import dev.updater.registry.remote.RegistryTls;
import dev.updater.registry.remote.RemoteRegistryStore;
import dev.updater.registry.remote.RetryPolicy;
import java.time.Duration;
import java.util.Optional;

/** Opens the store a reference names. */
public final class ReleaseStores {
    private ReleaseStores() {}

    /** How to reach registries; the layout ignores it. */
    public record Options(boolean plainHttp, RegistryTls tls, RegistryCredentials credentials, RetryPolicy retry,
            Duration connectTimeout, Duration requestTimeout, long uploadChunkSize, Optional<String> mountFrom) {
        /** Blobs above this size go up in PATCH chunks, so an interrupted upload resumes instead of restarting. */
        public static final long DEFAULT_UPLOAD_CHUNK = 8L << 20;

        public Options {
            if (uploadChunkSize < 1) throw new IllegalArgumentException("upload chunk size must be positive");
            mountFrom = mountFrom == null ? Optional.empty() : mountFrom;
            java.util.Objects.requireNonNull(tls, "tls");
        }

        public static Options defaults() {
            return new Options(false, RegistryTls.jvmDefault(), RegistryCredentials.fromEnvironment(),
                    RetryPolicy.DEFAULT, Duration.ofSeconds(15), Duration.ofSeconds(60), DEFAULT_UPLOAD_CHUNK,
                    Optional.empty());
        }

        public Options withPlainHttp(boolean plain) {
            return new Options(plain, tls, credentials, retry, connectTimeout, requestTimeout, uploadChunkSize,
                    mountFrom);
        }

        /** How HTTPS certificates are checked: the JVM's trust store, plus {@code --ca-file}, or {@code --insecure}. */
        public Options withTls(RegistryTls t) {
            return new Options(plainHttp, t, credentials, retry, connectTimeout, requestTimeout, uploadChunkSize,
                    mountFrom);
        }

        public Options withCredentials(RegistryCredentials c) {
            return new Options(plainHttp, tls, c, retry, connectTimeout, requestTimeout, uploadChunkSize, mountFrom);
        }

        public Options withRetry(RetryPolicy r) {
            return new Options(plainHttp, tls, credentials, r, connectTimeout, requestTimeout, uploadChunkSize,
                    mountFrom);
        }

        public Options withUploadChunkSize(long size) {
            return new Options(plainHttp, tls, credentials, retry, connectTimeout, requestTimeout, size, mountFrom);
        }

        /** Blobs missing here are first mounted from this repository of the same registry (no bytes sent). */
        public Options withMountFrom(Optional<String> repository) {
            return new Options(plainHttp, tls, credentials, retry, connectTimeout, requestTimeout, uploadChunkSize,
                    repository);
        }
    }

    /** Opens for reading: a layout must exist. */
    public static ReleaseStore open(StoreReference ref, Options options) {
        return open(ref, options, false);
    }

    /** Opens for publishing: a missing layout directory is created. */
    public static ReleaseStore openForPush(StoreReference ref, Options options) {
        return open(ref, options, true);
    }

    private static ReleaseStore open(StoreReference ref, Options options, boolean create) {
        if (ref.kind() == StoreReference.Kind.LAYOUT) {
            return OciLayoutStore.open(ref.layoutPath(), create);
        }
        return new RemoteRegistryStore(http(ref.registry(), options), ref.repository(), options.uploadChunkSize(),
                options.mountFrom());
    }

    /** The HTTP side of a registry alone, for operations on the registry rather than a repository (login). */
    public static RegistryHttp http(String registry, Options options) {
        return new RegistryHttp(registry, options.plainHttp(), options.tls(), options.credentials(), options.retry(),
                options.connectTimeout(), options.requestTimeout());
    }
}
