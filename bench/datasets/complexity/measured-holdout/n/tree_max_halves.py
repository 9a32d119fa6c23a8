def tree_max(arr):
    def go(lo, hi):
        if lo == hi:
            return arr[lo]
        mid = (lo + hi) // 2
        left = go(lo, mid)
        right = go(mid + 1, hi)
        return left if left > right else right

    return go(0, len(arr) - 1) if arr else None
