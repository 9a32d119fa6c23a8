def subset_sums(nums):
    sums = []

    def go(i, acc):
        if i == len(nums):
            sums.append(acc)
            return
        go(i + 1, acc + nums[i])
        go(i + 1, acc)

    go(0, 0)
    return sorted(sums)


print(subset_sums([1, 2, 3]))
