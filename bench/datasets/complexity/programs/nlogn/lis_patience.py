import bisect


def length_of_lis(nums):
    tails = []
    for x in nums:
        pos = bisect.bisect_left(tails, x)
        if pos == len(tails):
            tails.append(x)
        else:
            tails[pos] = x
    return len(tails)


print(length_of_lis([10, 9, 2, 5, 3, 7, 101, 18]))
