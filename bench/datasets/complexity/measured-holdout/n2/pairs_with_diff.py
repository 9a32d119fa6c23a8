def pairs_with_difference(nums, k):
    count = 0
    for i in range(len(nums)):
        for j in range(len(nums)):
            if i != j and nums[i] - nums[j] == k:
                count += 1
    return count
