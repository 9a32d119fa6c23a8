def max_triplet_product(nums):
    best = float("-inf")
    n = len(nums)
    for i in range(n - 2):
        for j in range(i + 1, n - 1):
            for k in range(j + 1, n):
                best = max(best, nums[i] * nums[j] * nums[k])
    return best
