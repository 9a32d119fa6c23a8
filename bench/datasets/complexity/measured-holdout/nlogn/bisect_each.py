from bisect import bisect_left


def count_smaller_than_double(nums):
    ordered = sorted(nums)
    count = 0
    for x in nums:
        count += bisect_left(ordered, 2 * x)
    return count
