def count_inversions(nums):
    ranks = {v: i + 1 for i, v in enumerate(sorted(set(nums)))}
    size = len(ranks)
    tree = [0] * (size + 1)
    inversions = 0
    for seen, x in enumerate(nums):
        i = ranks[x]
        smaller_or_equal = 0
        while i > 0:
            smaller_or_equal += tree[i]
            i -= i & -i
        inversions += seen - smaller_or_equal
        i = ranks[x]
        while i <= size:
            tree[i] += 1
            i += i & -i
    return inversions
