def triple_product_sum(nums):
    total = 0
    n = len(nums)
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                total += nums[i] * nums[j] * nums[k]
    return total
