def ternary_max(n):
    def f(x):
        return -(x - n // 3) * (x - n // 3)

    lo, hi = 0, n
    while hi - lo > 2:
        m1 = lo + (hi - lo) // 3
        m2 = hi - (hi - lo) // 3
        if f(m1) < f(m2):
            lo = m1
        else:
            hi = m2
    return max(range(lo, hi + 1), key=f)
