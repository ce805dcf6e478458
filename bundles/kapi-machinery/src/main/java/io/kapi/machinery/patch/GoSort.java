package io.kapi.machinery.patch;

import java.util.List;

/**
 * Go's {@code sort.SliceStable} (insertion sort in blocks of 20, then SymMerge). Strategic merge
 * patch orders list items with a "less" that is not a strict order, so only the very algorithm Go
 * runs gives kube's item order; a Java sort would not.
 */
final class GoSort {
    interface Less<T> {
        boolean less(List<T> list, int i, int j);
    }

    private GoSort() {
    }

    static <T> void sliceStable(List<T> data, Less<T> less) {
        int n = data.size();
        int blockSize = 20;
        int a = 0;
        int b = blockSize;
        while (b <= n) {
            insertionSort(data, less, a, b);
            a = b;
            b += blockSize;
        }
        insertionSort(data, less, a, n);
        while (blockSize < n) {
            a = 0;
            b = 2 * blockSize;
            while (b <= n) {
                symMerge(data, less, a, a + blockSize, b);
                a = b;
                b += 2 * blockSize;
            }
            int m = a + blockSize;
            if (m < n) {
                symMerge(data, less, a, m, n);
            }
            blockSize *= 2;
        }
    }

    private static <T> void swap(List<T> d, int i, int j) {
        T t = d.get(i);
        d.set(i, d.get(j));
        d.set(j, t);
    }

    private static <T> void insertionSort(List<T> d, Less<T> less, int a, int b) {
        for (int i = a + 1; i < b; i++) {
            for (int j = i; j > a && less.less(d, j, j - 1); j--) {
                swap(d, j, j - 1);
            }
        }
    }

    private static <T> void symMerge(List<T> d, Less<T> less, int a, int m, int b) {
        if (m - a == 1) {
            int i = m;
            int j = b;
            while (i < j) {
                int h = (i + j) >>> 1;
                if (less.less(d, h, a)) {
                    i = h + 1;
                } else {
                    j = h;
                }
            }
            for (int k = a; k < i - 1; k++) {
                swap(d, k, k + 1);
            }
            return;
        }
        if (b - m == 1) {
            int i = a;
            int j = m;
            while (i < j) {
                int h = (i + j) >>> 1;
                if (!less.less(d, m, h)) {
                    i = h + 1;
                } else {
                    j = h;
                }
            }
            for (int k = m; k > i; k--) {
                swap(d, k, k - 1);
            }
            return;
        }
        int mid = (a + b) >>> 1;
        int n = mid + m;
        int start;
        int r;
        if (m > mid) {
            start = n - b;
            r = mid;
        } else {
            start = a;
            r = m;
        }
        int p = n - 1;
        while (start < r) {
            int c = (start + r) >>> 1;
            if (!less.less(d, p - c, c)) {
                start = c + 1;
            } else {
                r = c;
            }
        }
        int end = n - start;
        if (start < m && m < end) {
            rotate(d, start, m, end);
        }
        if (a < start && start < mid) {
            symMerge(d, less, a, start, mid);
        }
        if (mid < end && end < b) {
            symMerge(d, less, mid, end, b);
        }
    }

    private static <T> void rotate(List<T> d, int a, int m, int b) {
        int i = m - a;
        int j = b - m;
        while (i != j) {
            if (i > j) {
                swapRange(d, m - i, m, j);
                i -= j;
            } else {
                swapRange(d, m - i, m + j - i, i);
                j -= i;
            }
        }
        swapRange(d, m - i, m, i);
    }

    private static <T> void swapRange(List<T> d, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            swap(d, a + i, b + i);
        }
    }
}
