def max_subarray_sum(nums):
    best = None
    for start in range(len(nums)):
        for end in range(start, len(nums)):
            total = 0
            for k in range(start, end + 1):
                total += nums[k]
            if best is None or total > best:
                best = total
    return best


print(max_subarray_sum([-2, 1, -3, 4, -1, 2, 1, -5, 4]))
