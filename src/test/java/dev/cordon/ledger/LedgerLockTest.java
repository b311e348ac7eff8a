package dev.cordon.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One holder at a time, named to whoever is refused; released on close (TrustIT shows it across processes). */
class LedgerLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondTakerIsRefusedNamingTheHolderUntilTheFirstLetsGo() throws Exception {
        Path ledger = dir.resolve("cordon/ledger.jsonl");
        try (LedgerLock first = LedgerLock.acquire(ledger, "seed")) {
            assertThat(first.file()).isEqualTo(dir.resolve("cordon/ledger.jsonl.lock"));
            assertThat(Files.readString(first.file())).contains("pid " + ProcessHandle.current().pid(), "phase seed", "since ");
            assertThatThrownBy(() -> LedgerLock.acquire(ledger, "verify"))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("in use by another gate")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("--ledger");
        }
        try (LedgerLock again = LedgerLock.acquire(ledger, "verify")) {
            assertThat(Files.readString(again.file())).contains("phase verify");
        }
    }

    @Test
    void anotherLedgerHasItsOwnLock() {
        try (LedgerLock one = LedgerLock.acquire(dir.resolve("a.jsonl"), "seed");
             LedgerLock two = LedgerLock.acquire(dir.resolve("b.jsonl"), "seed")) {
            assertThat(one.file()).isNotEqualTo(two.file());
        }
    }
}
