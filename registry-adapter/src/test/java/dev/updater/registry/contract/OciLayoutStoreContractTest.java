package dev.updater.registry.contract;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ReleaseStore} contract on an OCI image layout directory. */
class OciLayoutStoreContractTest extends ReleaseStoreContract {
    @TempDir
    Path dir;

    @Override
    ReleaseStore openEmpty(String name) {
        return ReleaseStores.openForPush(StoreReference.parse("oci:" + dir.resolve(name)),
                ReleaseStores.Options.defaults());
    }
}
