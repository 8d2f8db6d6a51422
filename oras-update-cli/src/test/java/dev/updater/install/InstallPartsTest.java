package dev.updater.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parts the {@link Installer} is made of, on their own: the journal's factories and the payload table. */
class InstallPartsTest {
    private static final Digest A = Digest.of("a".getBytes(StandardCharsets.UTF_8));
    private static final Digest B = Digest.of("b".getBytes(StandardCharsets.UTF_8));

    @Test
    void everyPayloadKindHasAnInstaller() {
        for (PayloadKind kind : PayloadKind.values()) {
            assertNotNull(PayloadInstallers.forKind(kind), kind.toString());
        }
    }

    @Test
    void journalFactoriesAndTransitionsSurviveTheDisk() {
        JournalEntry install = JournalEntry.install(Optional.of(SemVer.parse("1.0.0")), Optional.of(A),
                SemVer.parse("2.0.0"), B, true);
        assertEquals(InstallState.IDLE, install.state());
        assertEquals(Operation.INSTALL, install.operation());
        assertTrue(install.healthCheckPending());

        JournalEntry checking = install.enter(InstallState.CHECKING, 2, "");
        assertEquals(checking, JournalEntry.fromJson(checking.toJsonBytes()));

        JournalEntry revert = checking.revert(checking.fromVersion(), checking.fromDigest(), "health check failed");
        assertEquals(install.operationId(), revert.operationId());
        assertEquals(Operation.ROLLBACK, revert.operation());
        assertEquals(InstallState.ROLLING_BACK, revert.state());
        assertEquals(Optional.of(SemVer.parse("2.0.0")), revert.fromVersion());
        assertEquals(Optional.of(B), revert.fromDigest());
        assertEquals(Optional.of(SemVer.parse("1.0.0")), revert.toVersion());
        assertEquals(2, revert.attempt());
        assertTrue(revert.discardFrom());
        assertFalse(revert.healthCheckPending());

        JournalEntry recovering = revert.recovering();
        assertEquals(Optional.of(InstallState.ROLLING_BACK), recovering.recoveringFrom());
        assertEquals(recovering, JournalEntry.fromJson(recovering.toJsonBytes()));
        assertEquals(Optional.of(InstallState.ROLLING_BACK), recovering.enter(InstallState.FAILED, 2, "")
                .recoveringFrom());

        JournalEntry rollback = JournalEntry.rollback(SemVer.parse("2.0.0"), Optional.empty(), SemVer.parse("1.0.0"), A);
        assertEquals(InstallState.ROLLING_BACK, rollback.state());
        assertEquals("requested", rollback.note());
        assertFalse(rollback.discardFrom());
        assertEquals(rollback, JournalEntry.fromJson(rollback.toJsonBytes()));
    }
}
