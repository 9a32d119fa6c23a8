def edit_distance(source, target):
    prev = list(range(len(target) + 1))
    for i, s in enumerate(source, 1):
        cur = [i] + [0] * len(target)
        for j, t in enumerate(target, 1):
            cost = 0 if s == t else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev = cur
    return prev[-1]


print(edit_distance("kitten", "sitting"))
