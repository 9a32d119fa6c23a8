def min_partition_difference(nums):
    total = sum(nums)

    def go(i, first):
        if i == len(nums):
            return abs(total - 2 * first)
        return min(go(i + 1, first + nums[i]), go(i + 1, first))

    return go(0, 0)
