package dev.updater.registry.contract;

import dev.updater.registry.ReleaseStore;
import dev.updater.registry.ReleaseStores;
import dev.updater.registry.StoreReference;
import dev.updater.registry.testing.LocalRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link ReleaseStore} contract on a real registry (CNCF distribution), one repository per test. */
class RemoteRegistryStoreContractTest extends ReleaseStoreContract {
    static LocalRegistry registry;
    private static int repositories;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    @Override
    ReleaseStore openEmpty(String name) {
        String repository = registry.hostPort() + "/contract/" + name + "-" + (++repositories);
        return ReleaseStores.openForPush(StoreReference.parse(repository),
                ReleaseStores.Options.defaults().withPlainHttp(true));
    }
}
