package dev.updater.registry.contract;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.LocalRegistry;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link ReleaseStore} contract on a real registry (CNCF distribution), one repository per test. */
class RemoteRegistryStoreContractTest extends ReleaseStoreContract {
    @RegisterExtension
    static final LocalRegistry.PerClass registry = LocalRegistry.perClass();
    private static int repositories;

    @Override
    ReleaseStore openEmpty(String name) {
        String repository = registry.hostPort() + "/contract/" + name + "-" + (++repositories);
        return ReleaseStores.openForPush(StoreReference.parse(repository),
                ReleaseStores.Options.defaults().withPlainHttp(true));
    }
}
