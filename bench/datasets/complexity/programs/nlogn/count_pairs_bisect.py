def lower_bound(arr, x):
    lo, hi = 0, len(arr)
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def count_pairs_at_most(nums, limit):
    """Pairs i < j with nums[i] + nums[j] <= limit."""
    nums = sorted(nums)
    total = 0
    for i, x in enumerate(nums):
        j = lower_bound(nums, limit - x + 1)
        if j > i + 1:
            total += j - i - 1
    return total


print(count_pairs_at_most([1, 5, 3, 2, 8], 6))
