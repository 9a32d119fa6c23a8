def make_checker(first_bad):
    return lambda version: version >= first_bad


def first_bad_version(lo, hi, is_bad):
    """Recursive lower bound over [lo, hi]."""
    if lo == hi:
        return lo
    mid = (lo + hi) // 2
    if is_bad(mid):
        return first_bad_version(lo, mid, is_bad)
    return first_bad_version(mid + 1, hi, is_bad)


print(first_bad_version(1, 1000, make_checker(377)))
