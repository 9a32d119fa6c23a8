def count_subsets_with_sum(nums, target):
    n = len(nums)
    count = 0
    for mask in range(1 << n):
        total = 0
        for i in range(n):
            if mask >> i & 1:
                total += nums[i]
        if total == target:
            count += 1
    return count
