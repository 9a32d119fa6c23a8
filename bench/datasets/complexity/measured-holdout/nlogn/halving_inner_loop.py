def halving_pairs(n):
    total = 0
    for i in range(n):
        j = n
        while j > 0:
            total += i & j
            j //= 2
    return total
