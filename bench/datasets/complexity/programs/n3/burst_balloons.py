from typing import List


class Solution:
    def maxCoins(self, nums: List[int]) -> int:
        vals = [1] + nums + [1]
        n = len(vals)
        dp = [[0] * n for _ in range(n)]
        for gap in range(2, n):
            for left in range(0, n - gap):
                right = left + gap
                for k in range(left + 1, right):
                    dp[left][right] = max(
                        dp[left][right],
                        vals[left] * vals[k] * vals[right] + dp[left][k] + dp[k][right],
                    )
        return dp[0][n - 1]


print(Solution().maxCoins([3, 1, 5, 8]))
