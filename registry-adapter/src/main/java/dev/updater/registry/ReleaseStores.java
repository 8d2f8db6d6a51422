package dev.updater.registry;

import dev.updater.registry.layout.OciLayoutStore;
import dev.updater.registry.remote.RegistryCredentials;
import dev.updater.registry.remote.RegistryHttp;
import dev.updater.registry.remote.RemoteRegistryStore;
import dev.updater.registry.remote.RetryPolicy;
import java.time.Duration;

/** Opens the store a reference names. */
public final class ReleaseStores {
    private ReleaseStores() {}

    /** How to reach registries; the layout ignores it. */
    public record Options(boolean plainHttp, RegistryCredentials credentials, RetryPolicy retry,
            Duration connectTimeout, Duration requestTimeout) {
        public static Options defaults() {
            return new Options(false, RegistryCredentials.fromEnvironment(), RetryPolicy.DEFAULT,
                    Duration.ofSeconds(15), Duration.ofSeconds(60));
        }

        public Options withPlainHttp(boolean plain) {
            return new Options(plain, credentials, retry, connectTimeout, requestTimeout);
        }

        public Options withCredentials(RegistryCredentials c) {
            return new Options(plainHttp, c, retry, connectTimeout, requestTimeout);
        }

        public Options withRetry(RetryPolicy r) {
            return new Options(plainHttp, credentials, r, connectTimeout, requestTimeout);
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
        RegistryHttp http = new RegistryHttp(ref.registry(), options.plainHttp(), options.credentials(),
                options.retry(), options.connectTimeout(), options.requestTimeout());
        return new RemoteRegistryStore(http, ref.repository());
    }
}
