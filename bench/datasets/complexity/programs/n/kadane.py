def max_subarray(nums):
    best = current = nums[0]
    for x in nums[1:]:
        current = max(x, current + x)
        best = max(best, current)
    return best


print(max_subarray([-2, 1, -3, 4, -1, 2, 1, -5, 4]))
