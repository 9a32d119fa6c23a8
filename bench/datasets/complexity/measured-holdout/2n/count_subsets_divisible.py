from itertools import combinations


def count_subsets_divisible(nums, k=3):
    count = 0
    for r in range(1, len(nums) + 1):
        for combo in combinations(nums, r):
            if sum(combo) % k == 0:
                count += 1
    return count
