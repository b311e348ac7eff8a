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
