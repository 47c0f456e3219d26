package io.sparkcl.model.tokenizer;

import java.util.Arrays;

/** A growable int array (token ids) without boxing. Not thread-safe. */
final class IntList {
    private int[] values;
    private int size;

    IntList() {
        this(16);
    }

    IntList(int capacity) {
        values = new int[Math.max(4, capacity)];
    }

    static IntList of(int[] ids) {
        IntList list = new IntList(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return list;
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }

    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
