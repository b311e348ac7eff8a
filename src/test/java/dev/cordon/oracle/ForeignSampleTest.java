package dev.cordon.oracle;

import dev.cordon.ledger.LedgerItem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The view without the caller's own items holds, at every place, what a filtered copy of the population would. */
class ForeignSampleTest {
    @Test
    void everyPlaceHoldsWhatTheFilteredCopyHolds() {
        Random random = new Random(7);
        List<LedgerItem> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(new LedgerItem("recording", String.valueOf(1000 + i), "P" + random.nextInt(40), "c", "r", false));
        }
        all.sort(Comparator.comparing(LedgerItem::itemId));
        for (int p = 0; p < 40; p++) {
            String caller = "P" + p;
            List<LedgerItem> filtered = all.stream().filter(i -> !i.patientKey().equals(caller)).toList();
            List<String> own = all.stream().filter(i -> i.patientKey().equals(caller)).map(LedgerItem::itemId).toList();
            ForeignSample view = ForeignSample.of(all, caller, own);
            assertThat(view.size()).isEqualTo(filtered.size());
            for (int k = 0; k < filtered.size(); k++) {
                assertThat(view.get(k)).isEqualTo(filtered.get(k));
            }
        }
    }

    @Test
    void anOwnItemTheIndexMissedIsNeverHandedOut() {
        List<LedgerItem> all = List.of(new LedgerItem("recording", "1", "A", "c", "r", false),
                new LedgerItem("recording", "2", "B", "c", "r", false), new LedgerItem("recording", "3", "A", "c", "r", false));
        ForeignSample view = ForeignSample.of(all, "A", List.of("3")); // the ledger's own list lacks item 1
        for (int k = 0; k < 2; k++) {
            assertThat(view.get(k).patientKey()).isEqualTo("B");
        }
    }
}
