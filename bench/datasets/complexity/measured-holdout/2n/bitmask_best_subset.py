def best_subset(weights, capacity=50):
    n = len(weights)
    best = 0
    for mask in range(1 << n):
        total = 0
        for i in range(n):
            if mask >> i & 1:
                total += weights[i]
        if total <= capacity and total > best:
            best = total
    return best
