package dev.updater.delta;

import java.util.Arrays;

/**
 * What the differ decided: the new file as a sequence of steps, each "add {@code addLength} bytes of old data at
 * {@code oldPosition} to as many difference bytes, then copy {@code copyLength} literal bytes". Steps cover the new
 * file contiguously from offset 0, so the new offset of a step is the sum of the lengths before it. The formats
 * encode the same steps differently (relative seeks, varints, bsdiff's sign-magnitude integers).
 */
final class DeltaPlan {
    private int[] oldPositions = new int[64];
    private int[] addLengths = new int[64];
    private int[] copyLengths = new int[64];
    private int size;

    void add(int oldPosition, int addLength, int copyLength) {
        if (addLength == 0 && copyLength == 0) {
            return; // a pure seek: the next step's absolute old position already says it
        }
        if (size == oldPositions.length) {
            int capacity = size * 2;
            oldPositions = Arrays.copyOf(oldPositions, capacity);
            addLengths = Arrays.copyOf(addLengths, capacity);
            copyLengths = Arrays.copyOf(copyLengths, capacity);
        }
        oldPositions[size] = oldPosition;
        addLengths[size] = addLength;
        copyLengths[size] = copyLength;
        size++;
    }

    void addAll(DeltaPlan other) {
        for (int i = 0; i < other.size; i++) {
            add(other.oldPositions[i], other.addLengths[i], other.copyLengths[i]);
        }
    }

    int size() {
        return size;
    }

    int oldPosition(int step) {
        return oldPositions[step];
    }

    int addLength(int step) {
        return addLengths[step];
    }

    int copyLength(int step) {
        return copyLengths[step];
    }
}
