def halving_work(n):
    total = 0
    while n > 0:
        for _ in range(n):
            total += 1
        n //= 2
    return total
