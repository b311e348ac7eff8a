package dev.cordon.oracle;

import dev.cordon.ledger.LedgerItem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The other patients' items of one resource, as an indexed view of the ledger's sorted items without the caller's own:
 * the k-th entry is the one a filtered copy would hold at k, so sampling picks exactly what it always picked, but each
 * patient costs a binary search per own item instead of a copy of the whole population's items.
 */
final class ForeignSample {
    private static final Comparator<LedgerItem> BY_ID = Comparator.comparing(LedgerItem::itemId);

    private final List<LedgerItem> all;
    private final String callerKey;
    /** Positions in {@code all} of the caller's own items, ascending. */
    private int[] own;

    private ForeignSample(List<LedgerItem> all, String callerKey, int[] own) {
        this.all = all;
        this.callerKey = callerKey;
        this.own = own;
    }

    /**
     * {@code all}: the ledger's settled items of a resource in id order ({@code Ledger.items(resource)});
     * {@code ownIds}: the caller's settled item ids of that resource ({@code Ledger.itemsOf}).
     */
    static ForeignSample of(List<LedgerItem> all, String callerKey, List<String> ownIds) {
        List<Integer> positions = new ArrayList<>();
        for (String id : ownIds) {
            int at = Collections.binarySearch(all, new LedgerItem(null, id, null, null, null, false), BY_ID);
            if (at >= 0 && callerKey.equals(all.get(at).patientKey())) {
                positions.add(at);
            }
        }
        Collections.sort(positions);
        return new ForeignSample(all, callerKey, positions.stream().mapToInt(Integer::intValue).toArray());
    }

    int size() {
        return all.size() - own.length;
    }

    /**
     * The k-th item that is not the caller's: k plus the caller's items at or before that place. If the ledger's own
     * list missed one of the caller's items, the view learns them all by a scan and k wraps into the smaller view.
     */
    LedgerItem get(int k) {
        LedgerItem item = all.get(shifted(k % size()));
        if (callerKey.equals(item.patientKey())) {
            own = scan(); // never probe the caller with their own item
            if (size() == 0) {
                throw new IllegalStateException("no other patient's item to probe " + callerKey + " with");
            }
            item = all.get(shifted(k % size()));
        }
        return item;
    }

    private int shifted(int k) {
        int position = k;
        for (int ownAt : own) {
            if (ownAt <= position) {
                position++;
            } else {
                break;
            }
        }
        return position;
    }

    private int[] scan() {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (callerKey.equals(all.get(i).patientKey())) {
                positions.add(i);
            }
        }
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }
}
