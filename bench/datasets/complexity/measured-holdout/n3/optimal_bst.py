def optimal_bst_cost(freq):
    n = len(freq)
    prefix = [0]
    for f in freq:
        prefix.append(prefix[-1] + f)
    cost = [[0] * (n + 1) for _ in range(n + 1)]
    for length in range(1, n + 1):
        for i in range(n - length + 1):
            j = i + length
            best = None
            for r in range(i, j):
                c = cost[i][r] + cost[r + 1][j]
                if best is None or c < best:
                    best = c
            cost[i][j] = best + prefix[j] - prefix[i]
    return cost[0][n]
