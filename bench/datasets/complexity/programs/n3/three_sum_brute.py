def count_zero_triplets(nums):
    n = len(nums)
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                if nums[i] + nums[j] + nums[k] == 0:
                    count += 1
    return count


print(count_zero_triplets([-1, 0, 1, 2, -1, -4]))
