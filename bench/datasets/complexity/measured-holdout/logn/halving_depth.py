def depth(n):
    if n <= 1:
        return 0
    return 1 + depth(n // 2)
