def max_subarray(nums):
    def solve(lo, hi):
        if lo == hi:
            return nums[lo]
        mid = (lo + hi) // 2
        best_left = solve(lo, mid)
        best_right = solve(mid + 1, hi)
        running, left_part = 0, float("-inf")
        for i in range(mid, lo - 1, -1):
            running += nums[i]
            left_part = max(left_part, running)
        running, right_part = 0, float("-inf")
        for i in range(mid + 1, hi + 1):
            running += nums[i]
            right_part = max(right_part, running)
        return max(best_left, best_right, left_part + right_part)

    return solve(0, len(nums) - 1) if nums else 0
