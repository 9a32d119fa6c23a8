def min_score_triangulation(values):
    n = len(values)
    dp = [[0] * n for _ in range(n)]
    for length in range(3, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            dp[i][j] = min(
                dp[i][k] + dp[k][j] + values[i] * values[k] * values[j]
                for k in range(i + 1, j)
            )
    return dp[0][n - 1]
