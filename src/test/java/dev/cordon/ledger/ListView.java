package dev.cordon.ledger;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.IntFunction;

/**
 * A read-only list whose elements are made when asked for: how the ledger hands out patients and items without holding
 * them. Random access, so binary searches and indexed loops over it stay logarithmic and linear.
 */
public final class ListView<T> extends AbstractList<T> implements RandomAccess {
    private final int size;
    private final IntFunction<T> element;

    private ListView(int size, IntFunction<T> element) {
        this.size = size;
        this.element = element;
    }

    public static <T> List<T> of(int size, IntFunction<T> element) {
        return new ListView<>(size, element);
    }

    /** The parts one after the other, as a view (each part is read only as an index reaches it). */
    public static <T> List<T> concat(List<List<T>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int[] starts = new int[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) {
            starts[i + 1] = starts[i] + parts.get(i).size();
        }
        return of(starts[parts.size()], index -> {
            int part = java.util.Arrays.binarySearch(starts, index);
            part = part >= 0 ? part : -part - 2;
            while (starts[part + 1] == index) {
                part++; // an empty part starts where the next one does
            }
            return parts.get(part).get(index - starts[part]);
        });
    }

    @Override
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return element.apply(index);
    }

    @Override
    public int size() {
        return size;
    }
}
