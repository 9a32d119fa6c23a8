def count_equal_pairs(nums):
    count = 0
    for i, a in enumerate(nums):
        for b in nums[i + 1:]:
            if a == b:
                count += 1
    return count
