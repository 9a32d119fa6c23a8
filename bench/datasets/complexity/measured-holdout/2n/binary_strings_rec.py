def binary_strings(n):
    if n == 0:
        return [""]
    shorter = binary_strings(n - 1)
    return [s + c for s in shorter for c in "01"]
